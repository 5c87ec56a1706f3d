package io.dualhub.edge.config;

import io.dualhub.common.EdgeId;
import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.ConfigKey;
import io.dualhub.common.config.Secret;
import io.dualhub.common.config.Settings;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.command.ResendSettings;
import io.dualhub.edge.forward.ForwarderConfig;
import io.dualhub.edge.scrape.ScrapeSettings;
import io.dualhub.hub.logging.LogFormat;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * The edge agent's whole configuration, validated once at start-up. Each key's default is a named constant: here
 * for the agent's own keys, in the settings record of a capability for its keys ({@link BufferSettings},
 * {@link ForwarderConfig}, {@link ResendSettings}, {@link ScrapeSettings}); {@link #KEYS} shows them, and the
 * configuration reference (docs/configuration.md) is checked against it by a test.
 */
public record EdgeConfig(
        String id,
        NatsSettings nats,
        Path dataDir,
        String httpHost,
        int httpPort,
        Secret ingestToken,
        long maxBodyBytes,
        int maxPoints,
        int maxConcurrentWrites,
        long maxWriteBytes,
        int maxSeries,
        Duration seriesWindow,
        Duration remoteWriteWindow,
        boolean collectEnabled,
        Duration collectInterval,
        Duration heartbeatInterval,
        BufferSettings buffer,
        ForwarderConfig forward,
        ResendSettings resend,
        ScrapeSettings scrape,
        LogFormat logFormat) {

    /** The port the edge answers on, beside the CentralHub's 8470. */
    public static final int DEFAULT_HTTP_PORT = 8471;
    /** A large remote-write or line-protocol request with room to spare, within the 64 MiB heap an edge gets. */
    public static final long DEFAULT_MAX_BODY = 8L << 20;
    /** Points one request may carry: bounds the heap a request takes while it is parsed. */
    public static final int DEFAULT_MAX_POINTS = 50_000;
    /** Writes taken at once; each holds its body on the heap while it is parsed. */
    public static final int DEFAULT_MAX_CONCURRENT_WRITES = 8;
    /** The bodies of the writes in progress together: two default bodies. */
    public static final long DEFAULT_MAX_WRITE_BYTES = 16L << 20;
    /** Distinct series per window: a host's metrics and its scraped exporters, many times over. */
    public static final int DEFAULT_MAX_SERIES = 100_000;
    /** Series that stop reporting free their place after this. */
    public static final Duration DEFAULT_SERIES_WINDOW = Duration.ofHours(1);
    /** How long a remote-write sender's retry of a sample is still recognised as one. */
    public static final Duration DEFAULT_REMOTE_WRITE_WINDOW = Duration.ofMinutes(10);
    /** A host's CPU, memory, disks and network: about 100 points every 10 s. */
    public static final Duration DEFAULT_COLLECT_INTERVAL = Duration.ofSeconds(10);
    /** Three missed heartbeats (15 s) make an edge OFFLINE at the CentralHub's default. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);

    public static final List<ConfigKey> KEYS;

    static {
        List<ConfigKey> keys = new ArrayList<>(List.of(
                new ConfigKey("id", "", "this edge's id, [A-Za-z0-9_-]{1,64}; empty means the host name"),
                new ConfigKey("data.dir", "var/edge", "directory of the buffer (Chronicle Queue) and its checkpoint"),
                new ConfigKey("http.host", "127.0.0.1", "address the ingest API and /health listen on"),
                new ConfigKey(
                        "http.port",
                        Integer.toString(DEFAULT_HTTP_PORT),
                        "port of the ingest API, /health and /prometheus"),
                new ConfigKey(
                        "http.ingest-token",
                        "",
                        "token (env:NAME or file:/path) every write path requires as 'Authorization: Bearer <token>' or 'Token <token>' (InfluxDB 1.x's /write and /query also as the password: basic auth or p=); empty: none"),
                new ConfigKey(
                        "http.max-body",
                        Settings.sizeText(DEFAULT_MAX_BODY),
                        "largest accepted request body, after gzip decompression; larger gets 413 (with http.max-points, sized for the 64 MiB heap the installers give an edge)"),
                new ConfigKey(
                        "http.max-points",
                        Integer.toString(DEFAULT_MAX_POINTS),
                        "points one write request may carry (1 to 10000000); more gets 413 and nothing is stored: bounds the heap one request takes while it is parsed"),
                new ConfigKey(
                        "http.max-concurrent-writes",
                        Integer.toString(DEFAULT_MAX_CONCURRENT_WRITES),
                        "write requests taken at once (1 to 10000); another gets 503 with Retry-After before its body is read, and nothing is stored; the HTTP server keeps twice as many threads, and four more"),
                new ConfigKey(
                        "http.max-write-bytes",
                        Settings.sizeText(DEFAULT_MAX_WRITE_BYTES),
                        "bodies of the writes in progress together, by their Content-Length (a body without one counts as http.max-body); past it 503 with Retry-After, one write always let in: bounds the heap writes take at once"),
                new ConfigKey(
                        "ingest.max-series",
                        Integer.toString(DEFAULT_MAX_SERIES),
                        "distinct series (metric and tags) this edge takes within each ingest.series-window (1 to 10000000); a write bringing more gets 400 naming the limit and nothing of it is stored"),
                new ConfigKey(
                        "ingest.series-window",
                        Settings.text(DEFAULT_SERIES_WINDOW),
                        "the series are counted afresh at the end of each window: series that stop reporting free their place"),
                new ConfigKey(
                        "ingest.remote-write-window",
                        Settings.text(DEFAULT_REMOTE_WRITE_WINDOW),
                        "how long each series' newest remote-write timestamp is remembered, also across a restart (from the newest batch): a sample at or before it is a sender's retry, taken once"),
                new ConfigKey("collect.enabled", "true", "collect this host's metrics (CPU, memory, disks, network)"),
                new ConfigKey(
                        "collect.interval",
                        Settings.text(DEFAULT_COLLECT_INTERVAL),
                        "how often host metrics are collected"),
                new ConfigKey(
                        "heartbeat.interval",
                        Settings.text(DEFAULT_HEARTBEAT_INTERVAL),
                        "how often the edge publishes its heartbeat"),
                new ConfigKey(
                        "buffer.retention",
                        Settings.text(BufferSettings.DEFAULT_RETENTION),
                        "how long acknowledged batches are kept for resend requests"),
                new ConfigKey(
                        "buffer.max-batch-bytes",
                        Settings.sizeText(BufferSettings.DEFAULT_MAX_BATCH_BYTES),
                        "largest batch the buffer cuts (must stay under the NATS max_payload, 1MiB by default)"),
                new ConfigKey(
                        "buffer.sync",
                        "false",
                        "force every append to disk before answering, for power loss (not tested against one here); slower"),
                new ConfigKey(
                        "buffer.max-bytes",
                        Settings.sizeText(BufferSettings.DEFAULT_MAX_BYTES),
                        "most bytes of batches not yet acknowledged; beyond it the overflow policy applies"),
                new ConfigKey(
                        "buffer.overflow",
                        BufferSettings.DEFAULT_OVERFLOW.configName(),
                        "drop-oldest (drop the oldest unsent batches and declare the gap) or reject (answer 503, skip collection)"),
                new ConfigKey(
                        "buffer.min-free-disk",
                        Settings.sizeText(BufferSettings.DEFAULT_MIN_FREE_DISK),
                        "free space kept on the buffer's disk; below it new points are refused (503) whatever the policy"),
                new ConfigKey(
                        "resend.max-bytes",
                        Settings.sizeText(ResendSettings.DEFAULT_MAX_BYTES),
                        "batches one resend request republishes at most; the CentralHub asks again for the rest"),
                new ConfigKey(
                        "resend.max-in-flight",
                        Settings.sizeText(ResendSettings.DEFAULT_MAX_IN_FLIGHT_BYTES),
                        "republished batches awaiting their JetStream ack at once: the heap a resend takes"),
                new ConfigKey(
                        "resend.max-bytes-per-minute",
                        Settings.sizeText(ResendSettings.DEFAULT_BYTES_PER_MINUTE),
                        "bytes each requester (a CentralHub's connection) may have resent per minute; past it a request is refused with the time to wait"),
                new ConfigKey(
                        "forward.window",
                        Integer.toString(ForwarderConfig.DEFAULT_WINDOW),
                        "batches published and awaiting their JetStream ack at once"),
                new ConfigKey(
                        "forward.publish-timeout",
                        Settings.text(ForwarderConfig.DEFAULT_PUBLISH_TIMEOUT),
                        "a publish not acknowledged within this is retried on the other metrics stream"),
                new ConfigKey(
                        "forward.retry.initial-interval",
                        Settings.text(ForwarderConfig.DEFAULT_RETRY_INITIAL),
                        "first retry backoff after a failed publish"),
                new ConfigKey(
                        "forward.retry.multiplier",
                        Settings.text(ForwarderConfig.DEFAULT_RETRY_MULTIPLIER),
                        "backoff growth per consecutive failure"),
                new ConfigKey(
                        "forward.retry.randomization",
                        Settings.text(ForwarderConfig.DEFAULT_RETRY_RANDOMIZATION),
                        "jitter: each backoff is randomized by this factor (0 to 1)"),
                new ConfigKey(
                        "forward.retry.max-interval",
                        Settings.text(ForwarderConfig.DEFAULT_RETRY_MAX),
                        "backoff cap; retries never stop"),
                new ConfigKey(
                        "forward.breaker.failure-rate",
                        Settings.text(ForwarderConfig.DEFAULT_BREAKER_FAILURE_RATE),
                        "percent of the last " + ForwarderConfig.BREAKER_WINDOW
                                + " publishes failing that opens the circuit breaker"),
                new ConfigKey(
                        "forward.breaker.open-duration",
                        Settings.text(ForwarderConfig.DEFAULT_BREAKER_OPEN_FOR),
                        "how long an open breaker stops sending before it probes again")));
        keys.addAll(ScrapeConfig.KEYS);
        keys.addAll(NatsSettings.KEYS);
        keys.addAll(LogFormat.KEYS);
        KEYS = Collections.unmodifiableList(keys);
    }

    public EdgeConfig {
        EdgeId.require(id);
    }

    /** Reads the YAML file (may be null) and flags over the defaults, and validates every value. */
    public static EdgeConfig load(Path yamlFile, Map<String, String> overrides) {
        Settings s = Settings.load(KEYS, yamlFile, overrides);
        String id = s.string("id").isEmpty() ? EdgeId.fromHostName(hostName()) : s.string("id");
        if (!EdgeId.isValid(id)) {
            throw new ConfigException("invalid configuration: id='" + id
                    + "': an edge id must match [A-Za-z0-9_-]{1,64} (letters, digits, '_' and '-'; no dots)");
        }
        return new EdgeConfig(
                id,
                NatsSettings.from(s),
                Path.of(s.string("data.dir")),
                s.string("http.host"),
                s.intBetween("http.port", 0, 65535),
                s.secret("http.ingest-token"),
                s.bytes("http.max-body", 1024),
                s.intBetween("http.max-points", 1, 10_000_000),
                s.intBetween("http.max-concurrent-writes", 1, 10_000),
                s.bytes("http.max-write-bytes", 1024),
                s.intBetween("ingest.max-series", 1, 10_000_000),
                s.duration("ingest.series-window", Duration.ofMinutes(1)),
                s.duration("ingest.remote-write-window", Duration.ofSeconds(1)),
                s.bool("collect.enabled"),
                s.duration("collect.interval", Duration.ofMillis(100)),
                s.duration("heartbeat.interval", Duration.ofMillis(100)),
                buffer(s),
                forwarder(s),
                resend(s),
                ScrapeConfig.from(s),
                LogFormat.from(s));
    }

    /** The buffer.* keys, parsed; their bounds are BufferSettings' own. */
    private static BufferSettings buffer(Settings s) {
        return s.build(() -> BufferSettings.custom()
                .maxBytes(s.bytes("buffer.max-bytes", 0))
                .overflow(BufferSettings.Overflow.named(s.string("buffer.overflow")))
                .minFreeDisk(s.bytes("buffer.min-free-disk", 0))
                .maxBatchBytes((int) Math.min(s.bytes("buffer.max-batch-bytes", 0), Integer.MAX_VALUE))
                .retention(s.duration("buffer.retention", Duration.ZERO))
                .sync(s.bool("buffer.sync"))
                .build());
    }

    /** The resend.* keys, parsed; their bounds are ResendSettings' own. */
    private static ResendSettings resend(Settings s) {
        return s.build(() -> ResendSettings.custom()
                .maxBytes(s.bytes("resend.max-bytes", 0))
                .maxInFlightBytes(s.bytes("resend.max-in-flight", 0))
                .bytesPerMinute(s.bytes("resend.max-bytes-per-minute", 0))
                .build());
    }

    /** The forward.* keys, parsed; their bounds are ForwarderConfig's own. */
    private static ForwarderConfig forwarder(Settings s) {
        return s.build(() -> ForwarderConfig.custom()
                .window(s.integer("forward.window"))
                .publishTimeout(s.duration("forward.publish-timeout", Duration.ZERO))
                .retry(
                        s.duration("forward.retry.initial-interval", Duration.ZERO),
                        s.number("forward.retry.multiplier"),
                        s.duration("forward.retry.max-interval", Duration.ZERO))
                .retryRandomization(s.number("forward.retry.randomization"))
                .breaker(
                        (float) s.number("forward.breaker.failure-rate"),
                        s.duration("forward.breaker.open-duration", Duration.ZERO))
                .build());
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return System.getenv().getOrDefault("HOSTNAME", "edge");
        }
    }
}
