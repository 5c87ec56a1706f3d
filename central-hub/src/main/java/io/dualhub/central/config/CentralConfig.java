package io.dualhub.central.config;

import io.dualhub.central.alerting.AlertingSettings;
import io.dualhub.central.analysis.AnalysisSettings;
import io.dualhub.central.api.ApiAccess;
import io.dualhub.central.api.HttpTls;
import io.dualhub.central.export.ExportSettings;
import io.dualhub.central.lifecycle.LifecycleRules;
import io.dualhub.central.store.DiskBudget;
import io.dualhub.central.store.StoreSettings;
import io.dualhub.common.Partition;
import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.ConfigKey;
import io.dualhub.common.config.Settings;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.hub.logging.LogFormat;
import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The CentralHub's whole configuration, validated once at start-up. Each key's default is a named constant: here
 * and in the small records below for the hub's own keys, in the settings record of a capability for its keys
 * ({@link StoreSettings}, {@link ExportSettings}, {@link AlertingSettings}, {@link AnalysisSettings}); {@link #KEYS}
 * shows them, and the configuration reference (docs/configuration.md) is checked against it by a test.
 */
public record CentralConfig(
        String instance,
        NatsSettings nats,
        Path dataDir,
        String httpHost,
        int httpPort,
        int httpThreads,
        StreamSettings stream,
        IngestSettings ingest,
        Duration leaderTtl,
        Duration gapGrace,
        AnalysisSettings analysis,
        LifecycleRules lifecycle,
        RecoverySettings recovery,
        ApiAccess api,
        HttpTls httpTls,
        LogFormat logFormat,
        QuerySettings query,
        StoreSettings store,
        AlertingSettings alerting,
        ExportSettings export,
        Partition partition) {

    private static final Pattern INSTANCE = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    /** The dashboard's and API's port; the edge answers on the next one. */
    public static final int DEFAULT_HTTP_PORT = 8470;
    /**
     * Requests that read the store at once (a query holds a DuckDB reader while it runs): a few dashboards and
     * scripts at once; more wait their turn instead of each taking a thread and a reader of its own.
     */
    public static final int DEFAULT_HTTP_THREADS = 16;
    /** Past this, threads cost more memory than they buy: DuckDB runs a query on its own threads anyway. */
    static final int MAX_HTTP_THREADS = 1024;
    /** The edges' own default heartbeat interval. */
    public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(5);
    /** One lost heartbeat is noise; three in a row (15 s) is an edge gone. */
    public static final int DEFAULT_OFFLINE_AFTER_MISSED = 3;
    /** Unforwarded batches past which an edge is behind, not merely between two publishes. */
    public static final int DEFAULT_DEGRADED_BACKLOG = 500;
    /** A failover takes seconds; a backlog stuck this long is trouble. */
    public static final Duration DEFAULT_DEGRADED_LAG = Duration.ofSeconds(30);
    /** A declared gap keeps its edge DEGRADED long enough for someone looking later to see it. */
    public static final Duration DEFAULT_DEGRADED_AFTER_GAP = Duration.ofMinutes(10);
    /** Longer than a batch takes to reach the store under load; a hole is repaired within a minute. */
    public static final Duration DEFAULT_GAP_GRACE = Duration.ofSeconds(10);
    /** A dead leader is replaced within about this: well inside the 5 s failover. */
    public static final Duration DEFAULT_LEADER_TTL = Duration.ofSeconds(3);

    public static final List<ConfigKey> KEYS;

    static {
        List<ConfigKey> keys = new ArrayList<>(
                List.of(
                        new ConfigKey(
                                "instance",
                                "main",
                                "this CentralHub's name, [A-Za-z0-9_-]{1,64}; its durable consumer is central-<instance>"),
                        new ConfigKey(
                                "central.partitions",
                                "1",
                                "CentralHub groups the edges are split over (1 to 1000), each an HA pair reading only its share; more than 1 needs the NATS servers' subject mapping {{partition(N,1)}} for the same N (docs/operations.md)"),
                        new ConfigKey(
                                "central.partition",
                                "0",
                                "this hub's group, 0 to central.partitions - 1; the hubs of one group share its leader lease, its edges and its export checkpoints"),
                        new ConfigKey(
                                "data.dir",
                                "var/central",
                                "directory of the metric store (DuckDB), and of a backup while it is sent (backups/)"),
                        new ConfigKey("http.host", "127.0.0.1", "address the HTTP API listens on"),
                        new ConfigKey(
                                "http.port",
                                Integer.toString(DEFAULT_HTTP_PORT),
                                "port of the dashboard (/), the HTTP API, /health and /prometheus"),
                        new ConfigKey(
                                "http.threads",
                                Integer.toString(DEFAULT_HTTP_THREADS),
                                "threads answering the API's requests that read the store or the fleet (queries, the dashboard's data, backups), made by the first requests and kept (1 to "
                                        + MAX_HTTP_THREADS
                                        + "); more requests at once wait their turn (/health and /prometheus do not: they run on threads of their own)"),
                        new ConfigKey(
                                "http.external-url",
                                "",
                                "this hub's dashboard as its users reach it, for the links in alerts; empty: http(s)://<http.host, or this machine's name when that is 0.0.0.0>:<http.port>/"),
                        new ConfigKey(
                                "http.tls.cert",
                                "",
                                "PEM certificate (chain) of this hub; with http.tls.key the API is served over HTTPS only, on http.port"),
                        new ConfigKey(
                                "http.tls.key",
                                "",
                                "the certificate's unencrypted PKCS#8 PEM key (-----BEGIN PRIVATE KEY-----)"),
                        new ConfigKey(
                                "api.viewer-token",
                                "",
                                "token (env:NAME or file:/path) that may read /api/**; with either token set, /api/** needs 'Authorization: Bearer <token>'"),
                        new ConfigKey(
                                "api.operator-token",
                                "",
                                "token (env:NAME or file:/path) that may also act (POST: decommission, backup); /health and /prometheus stay open"),
                        new ConfigKey(
                                "api.anonymous",
                                "false",
                                "true: serve /api/** without tokens on an http.host that is not a loopback address, on purpose; without it such a hub refuses to start"),
                        new ConfigKey(
                                "store.max-series-per-edge",
                                Integer.toString(StoreSettings.DEFAULT_MAX_SERIES_PER_EDGE),
                                "series one edge may have in the store's dictionary (1 to 100000000; a few hundred bytes of heap each); a batch that would pass it is refused whole, accounted as invalid (reason series-limit) and audited"),
                        new ConfigKey(
                                "store.failing-restart",
                                Settings.text(StoreSettings.DEFAULT_FAILING_RESTART),
                                "after every commit failed for this long, /health/liveness goes DOWN so that a supervisor restarts the hub (0: never); /health and readiness are DOWN from the first failure"),
                        new ConfigKey(
                                "store.retention",
                                Settings.text(StoreSettings.DEFAULT_RETENTION),
                                "how long raw points are kept, by their own timestamps; older ones are deleted and answered from the rollups"),
                        new ConfigKey(
                                "store.rollup-1m-retention",
                                Settings.text(StoreSettings.DEFAULT_MINUTE_RETENTION),
                                "how long the 1-minute rollup tier (count, sum, min, max, last per series and minute) is kept; at least store.retention"),
                        new ConfigKey(
                                "store.rollup-1h-retention",
                                Settings.text(StoreSettings.DEFAULT_HOUR_RETENTION),
                                "how long the 1-hour rollup tier is kept; at least store.rollup-1m-retention"),
                        new ConfigKey(
                                "store.max-disk",
                                StoreSettings.DEFAULT_MAX_DISK.text(),
                                "what the store's file and WAL may use: bytes (8MiB at least, like 20GiB) or a share of its volume (1% to 100%); past it the oldest raw points are deleted first (then the oldest rollups), audited (disk-budget) and counted"),
                        new ConfigKey(
                                "store.maintenance-interval",
                                Settings.text(StoreSettings.DEFAULT_MAINTENANCE_INTERVAL),
                                "how often retention and store.max-disk are applied"),
                        new ConfigKey(
                                "store.memory-limit",
                                Settings.sizeText(StoreSettings.DEFAULT_MEMORY_LIMIT),
                                "memory DuckDB's buffer manager may hold for the store (64MiB at least; outside the Java heap, so give the hub's service this beside -Xmx); past it cached blocks are evicted and large work spills to disk"),
                        new ConfigKey(
                                "stream.replicas",
                                Integer.toString(StreamSettings.DEFAULT_REPLICAS),
                                "replicas of the dualhub streams when this hub creates them: 1, or 3 on a cluster"),
                        new ConfigKey(
                                "stream.max-age",
                                Settings.text(StreamSettings.DEFAULT_MAX_AGE),
                                "how long DUALHUB_METRICS keeps batches"),
                        new ConfigKey(
                                "stream.duplicate-window",
                                Settings.text(StreamSettings.DEFAULT_DUPLICATE_WINDOW),
                                "JetStream de-duplication window for Nats-Msg-Id"),
                        new ConfigKey(
                                "stream.events-max-age",
                                Settings.text(StreamSettings.DEFAULT_EVENTS_MAX_AGE),
                                "how long DUALHUB_EVENTS keeps heartbeats and events"),
                        new ConfigKey(
                                "ingest.fetch-batch",
                                Integer.toString(IngestSettings.DEFAULT_FETCH_BATCH),
                                "messages pulled from a route at once, and committed at once at most (in transactions of at most 100,000 points)"),
                        new ConfigKey(
                                "ingest.fetch-wait",
                                Settings.text(IngestSettings.DEFAULT_FETCH_WAIT),
                                "how long the ingest loop waits for a message before its idle checks (its durable consumers still exist)"),
                        new ConfigKey(
                                "ingest.ack-wait",
                                Settings.text(IngestSettings.DEFAULT_ACK_WAIT),
                                "JetStream redelivers a message not acknowledged within this"),
                        new ConfigKey(
                                "ingest.max-ack-pending",
                                Integer.toString(IngestSettings.DEFAULT_MAX_ACK_PENDING),
                                "messages delivered and not yet acknowledged, at most"),
                        new ConfigKey(
                                "ingest.max-deliver",
                                Integer.toString(IngestSettings.DEFAULT_MAX_DELIVER),
                                "deliveries of one message without it being stored, at most (2 to 100000); past them JetStream parks it: refused as max-deliveries, logged, audited, and gap repair asks its edge to send it again (a failing store is retried after 1, 2, 4, 8, 16, then every 30 s: 200 deliveries are about 1.6 h of failing)"),
                        new ConfigKey(
                                "fleet.heartbeat-interval",
                                Settings.text(DEFAULT_HEARTBEAT_INTERVAL),
                                "the edges' heartbeat interval, as configured on them"),
                        new ConfigKey(
                                "fleet.offline-after-missed",
                                Integer.toString(DEFAULT_OFFLINE_AFTER_MISSED),
                                "missed heartbeats after which an edge is OFFLINE"),
                        new ConfigKey(
                                "fleet.degraded-backlog",
                                Integer.toString(DEFAULT_DEGRADED_BACKLOG),
                                "an edge holding more unforwarded batches than this is DEGRADED"),
                        new ConfigKey(
                                "fleet.degraded-lag",
                                Settings.text(DEFAULT_DEGRADED_LAG),
                                "an edge whose backlog has gone this long without progress is DEGRADED"),
                        new ConfigKey(
                                "fleet.degraded-after-gap",
                                Settings.text(DEFAULT_DEGRADED_AFTER_GAP),
                                "an edge that declared a gap stays DEGRADED this long"),
                        new ConfigKey(
                                "gaps.grace",
                                Settings.text(DEFAULT_GAP_GRACE),
                                "how long a missing batch may stay missing before the leader asks its edge to resend it (a standby reports its own to the leader after the same grace)"),
                        new ConfigKey(
                                "leader.ttl",
                                Settings.text(DEFAULT_LEADER_TTL),
                                "lease TTL in KV bucket dualhub_leader; renewed every third of it; a dead leader is replaced within about this"),
                        new ConfigKey(
                                "query.max-points",
                                Integer.toString(QuerySettings.DEFAULT_MAX_POINTS),
                                "points (or step buckets) one GET /api/v1/query answers at most (1000 to 100000000); past it: 422 saying what to narrow"),
                        new ConfigKey(
                                "query.default-range",
                                Settings.text(QuerySettings.DEFAULT_RANGE),
                                "the range a query without 'from' covers, back from now"),
                        new ConfigKey(
                                "recovery.drain-stall",
                                Settings.text(RecoverySettings.DEFAULT_DRAIN_STALL),
                                "a returning edge whose backlog has not shrunk for this long is asked to reconnect (at most 3 times)"),
                        new ConfigKey(
                                "recovery.audit-max-age",
                                Settings.text(RecoverySettings.DEFAULT_AUDIT_MAX_AGE),
                                "how long stream DUALHUB_RECOVERY keeps the audit of recovery actions"),
                        new ConfigKey(
                                "alerting.alertmanager.urls",
                                "",
                                "Alertmanager base URLs (comma-separated, like http://127.0.0.1:9093): the leader posts every firing alert to <url>/api/v2/alerts on each change and every alerting.resend-interval"),
                        new ConfigKey(
                                "alerting.webhook.urls",
                                "",
                                "URLs (comma-separated) the leader posts each alert change to, as JSON in Alertmanager's webhook format"),
                        new ConfigKey(
                                "alerting.resend-interval",
                                Settings.text(AlertingSettings.DEFAULT_RESEND_INTERVAL),
                                "how often firing alerts are sent to Alertmanager again; each says it ends four of these later unless sent again"),
                        new ConfigKey(
                                "alerting.timeout",
                                Settings.text(AlertingSettings.DEFAULT_TIMEOUT),
                                "one alert delivery's HTTP timeout"),
                        new ConfigKey(
                                "alerting.store-failing-after",
                                Settings.text(AlertingSettings.DEFAULT_STORE_FAILING_AFTER),
                                "after every commit of this hub's store failed for this long, it raises DualhubStoreFailing (critical; sent by this hub, leader or standby), resolved by the next commit"),
                        new ConfigKey(
                                "alerting.webhook.max-pending",
                                Integer.toString(AlertingSettings.DEFAULT_WEBHOOK_MAX_PENDING),
                                "alert changes queued for one webhook while it fails (1 to 1000000); past it the oldest are dropped and counted (dualhub_central_alerting_webhook_dropped_total)"),
                        new ConfigKey(
                                "export.remote-write.urls",
                                "",
                                "Prometheus remote-write endpoints (comma-separated, like http://127.0.0.1:8428/api/v1/write): the leader sends every point of the metrics streams to each, resuming from a checkpoint in NATS"),
                        new ConfigKey(
                                "export.remote-write.targets[].url",
                                "",
                                "a receiver given as an element of the list export.remote-write.targets, for one that needs credentials, headers or a CA (an http:// or https:// URL)"),
                        new ConfigKey(
                                "export.remote-write.targets[].headers",
                                "",
                                "extra headers for that receiver, a list of 'Name: value' (like 'X-Scope-OrgID: fleet' for Mimir); not the protocol's own nor Authorization"),
                        new ConfigKey(
                                "export.remote-write.targets[].bearer-token",
                                "",
                                "env:VARIABLE or file:/path of a token sent as Authorization: Bearer"),
                        new ConfigKey(
                                "export.remote-write.targets[].basic-auth.username",
                                "",
                                "basic auth's user (with basic-auth.password; not with a bearer token)"),
                        new ConfigKey(
                                "export.remote-write.targets[].basic-auth.password",
                                "",
                                "env:VARIABLE or file:/path of basic auth's password"),
                        new ConfigKey(
                                "export.remote-write.targets[].tls-ca",
                                "",
                                "PEM file of the CA that signed an https receiver's certificate (without it: the JDK's trusted CAs)"),
                        new ConfigKey(
                                "export.timeout",
                                Settings.text(ExportSettings.DEFAULT_TIMEOUT),
                                "one remote-write request's HTTP timeout; a request without an answer is sent again"),
                        new ConfigKey(
                                "export.max-samples-per-request",
                                Integer.toString(ExportSettings.DEFAULT_MAX_SAMPLES),
                                "samples in one remote-write request at most (1 to 1000000)"),
                        new ConfigKey(
                                "export.parallel-requests",
                                Integer.toString(ExportSettings.DEFAULT_PARALLEL_REQUESTS),
                                "requests in flight at once to each receiver (1 to "
                                        + ExportSettings.MAX_PARALLEL_REQUESTS
                                        + "); a unit of the export puts each series in one of them and the units go one after another, so its samples arrive in order"),
                        new ConfigKey(
                                "export.max-backoff",
                                Settings.text(ExportSettings.DEFAULT_MAX_BACKOFF),
                                "longest wait between two attempts at a failing receiver (from 100 ms, doubling, with jitter; a longer Retry-After up to this)"),
                        new ConfigKey(
                                "export.alert-after",
                                Settings.text(ExportSettings.DEFAULT_ALERT_AFTER),
                                "after every request to a receiver failed for this long, the leader raises DualhubExportFailing (critical), resolved by the next request it takes"),
                        new ConfigKey(
                                "export.replay-window",
                                Settings.text(ExportSettings.DEFAULT_REPLAY_WINDOW),
                                "when a hub starts exporting, and when a receiver takes requests again after failing, what the streams got this long before is sent again (a receiver that buffers in memory loses its last seconds when it crashes); 0s: nothing"),
                        new ConfigKey(
                                "analysis.enabled",
                                "true",
                                "score stored points for anomalies and forecast capacity series"),
                        new ConfigKey(
                                "analysis.alert-threshold",
                                Settings.text(AnalysisSettings.DEFAULT_ALERT_THRESHOLD),
                                "anomaly score (0..1) at which an incident opens and an alert is raised; the score is"
                                        + " -log10 of the rarest deviation's probability over 6.5, so 0.9 is about a"
                                        + " one-in-700,000 deviation (a value leaving the range seen so far scores at"
                                        + " least 0.7, so it alone does not alert); 0.59 is NAB's best trade-off, 0.9"
                                        + " alerts far less often"),
                        new ConfigKey(
                                "analysis.skip-metrics",
                                String.join(",", AnalysisSettings.DEFAULT_SKIP_METRICS),
                                "metrics never scored for anomalies (metrics ending _total are scored on their rate)"),
                        new ConfigKey(
                                "analysis.capacity",
                                String.join(
                                        ",",
                                        AnalysisSettings.DEFAULT_CAPACITY.stream()
                                                .map(AnalysisSettings.CapacityRule::text)
                                                .toList()),
                                "capacity series to forecast, each used/size of the same edge and tags"),
                        new ConfigKey(
                                "analysis.capacity-limit",
                                Settings.text(AnalysisSettings.DEFAULT_CAPACITY_LIMIT),
                                "the fraction of size a capacity forecast predicts reaching"),
                        new ConfigKey(
                                "analysis.horizon",
                                Settings.text(AnalysisSettings.DEFAULT_HORIZON),
                                "a capacity series predicted to reach its limit within this, even at the far end of the forecast's range, raises a warning; within 1/24 of it, critical"),
                        new ConfigKey(
                                "analysis.capacity-min-history",
                                Settings.text(AnalysisSettings.DEFAULT_CAPACITY_MIN_HISTORY),
                                "a capacity series raises no alert before its points span this long (its forecast is shown from the start)"),
                        new ConfigKey(
                                "analysis.trend-half-life",
                                Settings.text(AnalysisSettings.DEFAULT_TREND_HALF_LIFE),
                                "how fast old points lose their say in a capacity trend"),
                        new ConfigKey(
                                "analysis.max-series",
                                Integer.toString(AnalysisSettings.DEFAULT_MAX_SERIES),
                                "series analysed at most, anomaly-scored and capacity series together (memory: about 10 KB each, counted from the model's arrays); further series are stored, not analysed"),
                        new ConfigKey(
                                "analysis.cpu-share",
                                Settings.text(AnalysisSettings.DEFAULT_CPU_SHARE),
                                "share of one core analysis may take (above 0, at most 1); beyond it batches are skipped for analysis (dualhub_central_analysis_skipped_total), never for storage")));
        keys.addAll(NatsSettings.KEYS);
        keys.addAll(LogFormat.KEYS);
        KEYS = Collections.unmodifiableList(keys);
    }

    /** How this hub creates the dualhub streams; the {@code stream.*} keys' defaults. */
    public record StreamSettings(int replicas, Duration maxAge, Duration duplicateWindow, Duration eventsMaxAge) {
        /** One server, as {@code ./dualhub up} runs; 3 on a cluster. */
        public static final int DEFAULT_REPLICAS = 1;
        /** A week of batches: an outage of the CentralHubs this long loses nothing. */
        public static final Duration DEFAULT_MAX_AGE = Duration.ofDays(7);
        /** Longer than an edge's retries of one batch across a failover. */
        public static final Duration DEFAULT_DUPLICATE_WINDOW = Duration.ofMinutes(2);
        /** Heartbeats and events are read as they come; a day covers a hub's restart. */
        public static final Duration DEFAULT_EVENTS_MAX_AGE = Duration.ofDays(1);
    }

    /** How much one query may answer, and what it covers when it does not say; the {@code query.*} keys' defaults. */
    public record QuerySettings(int maxPoints, Duration defaultRange) {
        /** A few tens of MB of JSON at most. */
        public static final int DEFAULT_MAX_POINTS = 1_000_000;
        /** What a dashboard shows first. */
        public static final Duration DEFAULT_RANGE = Duration.ofHours(1);
    }

    /** How the recovery playbooks act and how long their audit is kept; the {@code recovery.*} keys' defaults. */
    public record RecoverySettings(Duration drainStall, Duration auditMaxAge) {
        /** Far longer than a healthy drain pauses; short enough that a stuck one is helped within a minute. */
        public static final Duration DEFAULT_DRAIN_STALL = Duration.ofSeconds(30);
        /** A month of recovery actions to read back. */
        public static final Duration DEFAULT_AUDIT_MAX_AGE = Duration.ofDays(30);
    }

    /** How the Ingestor pulls and commits; the {@code ingest.*} keys' defaults. */
    public record IngestSettings(
            int fetchBatch, Duration fetchWait, Duration ackWait, int maxAckPending, int maxDeliver) {
        /** Enough messages per commit that a commit's cost is spread, few enough to commit often. */
        public static final int DEFAULT_FETCH_BATCH = 500;
        /** How long an idle loop waits before its idle checks. */
        public static final Duration DEFAULT_FETCH_WAIT = Duration.ofMillis(250);
        /** Far longer than a commit; a hub that died holding messages has them offered again within it. */
        public static final Duration DEFAULT_ACK_WAIT = Duration.ofSeconds(30);

        public static final int DEFAULT_MAX_ACK_PENDING = 10_000;
        /** About 1.6 h of a failing store's retries before a message is parked (and asked for again by gap repair). */
        public static final int DEFAULT_MAX_DELIVER = 200;
    }

    public CentralConfig {
        if (!INSTANCE.matcher(instance).matches()) {
            throw new ConfigException("invalid configuration: instance='" + instance
                    + "': must match [A-Za-z0-9_-]{1,64} (letters, digits, '_' and '-')");
        }
    }

    /**
     * An API reachable beyond this machine needs its tokens: anyone who reaches an open one reads the whole fleet and
     * decommissions edges. Loopback stays open by default (the embedded default, `./dualhub up`).
     */
    private static void requireTokensBeyondLoopback(Settings s, ApiAccess api) {
        String host = s.string("http.host");
        if (api.open() && !s.bool("api.anonymous") && !isLoopback(host)) {
            throw new ConfigException("invalid configuration: http.host='" + host + "' is not a loopback address and"
                    + " no API token is set: anyone who reaches it could read the fleet and act on it; set"
                    + " api.viewer-token and/or api.operator-token (env:NAME or file:/path), or api.anonymous: true"
                    + " to serve it open on purpose");
        }
    }

    static boolean isLoopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    /** Reads the YAML file (may be null) and flags over the defaults, and validates every value. */
    public static CentralConfig load(Path yamlFile, Map<String, String> overrides) {
        Settings s = Settings.load(KEYS, yamlFile, overrides);
        ApiAccess api = new ApiAccess(s.secret("api.viewer-token"), s.secret("api.operator-token"));
        requireTokensBeyondLoopback(s, api);
        int replicas = s.intBetween("stream.replicas", 1, 5);
        StreamSettings stream = new StreamSettings(
                replicas,
                s.duration("stream.max-age", Duration.ofMinutes(1)),
                s.duration("stream.duplicate-window", Duration.ofSeconds(1)),
                s.duration("stream.events-max-age", Duration.ofMinutes(1)));
        IngestSettings ingest = new IngestSettings(
                s.intBetween("ingest.fetch-batch", 1, 10_000),
                s.duration("ingest.fetch-wait", Duration.ofMillis(10)),
                s.duration("ingest.ack-wait", Duration.ofSeconds(1)),
                s.intBetween("ingest.max-ack-pending", 1, 1_000_000),
                s.intBetween("ingest.max-deliver", 2, 100_000));
        return new CentralConfig(
                s.string("instance"),
                NatsSettings.from(s),
                Path.of(s.string("data.dir")),
                s.string("http.host"),
                s.intBetween("http.port", 0, 65535),
                s.intBetween("http.threads", 1, MAX_HTTP_THREADS),
                stream,
                ingest,
                leaderTtl(s),
                s.duration("gaps.grace", Duration.ofMillis(100)),
                analysis(s),
                lifecycle(s),
                new RecoverySettings(
                        s.duration("recovery.drain-stall", Duration.ofSeconds(1)),
                        s.duration("recovery.audit-max-age", Duration.ofMinutes(1))),
                api,
                new HttpTls(s.path("http.tls.cert"), s.path("http.tls.key")),
                LogFormat.from(s),
                new QuerySettings(
                        s.intBetween("query.max-points", 1000, 100_000_000),
                        s.duration("query.default-range", Duration.ofSeconds(1))),
                store(s),
                alerting(s),
                export(s),
                partition(s));
    }

    private static Partition partition(Settings s) {
        int count = s.intBetween("central.partitions", 1, Partition.MAX_COUNT);
        String index = s.string("central.partition");
        try {
            return new Partition(count, Integer.parseInt(index));
        } catch (IllegalArgumentException e) { // not a number, or not one of the groups
            throw s.invalid(
                    "central.partition",
                    index,
                    "a group from 0 to " + (count - 1) + " (central.partitions is " + count + ")");
        }
    }

    /** The export.* keys, parsed; their bounds are ExportSettings' own. */
    private static ExportSettings export(Settings s) {
        return s.build(() -> ExportSettings.custom()
                .targets(ExportTargets.from(s))
                .timeout(s.duration("export.timeout", Duration.ZERO))
                .maxSamples(s.integer("export.max-samples-per-request"))
                .parallelRequests(s.integer("export.parallel-requests"))
                .maxBackoff(s.duration("export.max-backoff", Duration.ZERO))
                .alertAfter(s.duration("export.alert-after", Duration.ZERO))
                .replayWindow(s.duration("export.replay-window", Duration.ZERO))
                .build());
    }

    /** The alerting.* keys, parsed; their bounds are AlertingSettings' own. */
    private static AlertingSettings alerting(Settings s) {
        return s.build(() -> AlertingSettings.custom()
                .alertmanagers(s.httpUrls("alerting.alertmanager.urls"))
                .webhooks(s.httpUrls("alerting.webhook.urls"))
                .resendInterval(s.duration("alerting.resend-interval", Duration.ZERO))
                .timeout(s.duration("alerting.timeout", Duration.ZERO))
                .webhookMaxPending(s.integer("alerting.webhook.max-pending"))
                .storeFailingAfter(s.duration("alerting.store-failing-after", Duration.ZERO))
                .externalUrl(externalUrl(s))
                .build());
    }

    private static URI externalUrl(Settings s) {
        String given = s.string("http.external-url");
        if (!given.isEmpty()) {
            List<URI> url = s.httpUrls("http.external-url");
            if (url.size() != 1) {
                throw s.invalid("http.external-url", given, "one http:// or https:// URL");
            }
            return url.get(0);
        }
        String host = s.string("http.host");
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (UnknownHostException e) {
                host = "127.0.0.1";
            }
        }
        String scheme = s.path("http.tls.cert") == null ? "http" : "https";
        try {
            return new URI(scheme, null, host, s.intBetween("http.port", 0, 65535), "/", null, null);
        } catch (URISyntaxException e) {
            throw s.invalid("http.host", host, "a host name or address (it makes the alerts' links)");
        }
    }

    /** The store.* keys, parsed; their bounds are StoreSettings' own. */
    private static StoreSettings store(Settings s) {
        return s.build(() -> StoreSettings.custom()
                .maxSeriesPerEdge(s.integer("store.max-series-per-edge"))
                .failingRestart(s.duration("store.failing-restart", Duration.ZERO))
                .retention(
                        s.duration("store.retention", Duration.ZERO),
                        s.duration("store.rollup-1m-retention", Duration.ZERO),
                        s.duration("store.rollup-1h-retention", Duration.ZERO))
                .maxDisk(maxDisk(s))
                .maintenanceInterval(s.duration("store.maintenance-interval", Duration.ZERO))
                .memoryLimit(s.bytes("store.memory-limit", 0))
                .build());
    }

    private static DiskBudget maxDisk(Settings s) {
        String v = s.string("store.max-disk");
        if (v.endsWith("%")) {
            try {
                int percent = Integer.parseInt(v.substring(0, v.length() - 1).trim());
                if (percent >= 1 && percent <= 100) {
                    return DiskBudget.share(percent);
                }
            } catch (NumberFormatException ignored) {
                // reported below
            }
            throw s.invalid("store.max-disk", v, "a share of the volume from 1% to 100%, or a size like 20GiB");
        }
        return DiskBudget.bytes(s.bytes("store.max-disk", 1));
    }

    private static LifecycleRules lifecycle(Settings s) {
        Duration offlineAfter = s.duration("fleet.heartbeat-interval", Duration.ofMillis(100))
                .multipliedBy(s.intBetween("fleet.offline-after-missed", 1, 1000));
        return new LifecycleRules(
                offlineAfter,
                s.intBetween("fleet.degraded-backlog", 1, Integer.MAX_VALUE),
                s.duration("fleet.degraded-lag", Duration.ofSeconds(1)),
                s.duration("fleet.degraded-after-gap", Duration.ZERO));
    }

    /** The analysis.* keys, parsed; their bounds are AnalysisSettings' own. */
    private static AnalysisSettings analysis(Settings s) {
        List<AnalysisSettings.CapacityRule> capacity = new ArrayList<>();
        for (String entry : s.list("analysis.capacity")) {
            AnalysisSettings.CapacityRule rule = AnalysisSettings.CapacityRule.parse(entry);
            if (rule == null) {
                throw s.invalid("analysis.capacity", entry, "entries of the form used_metric/size_metric");
            }
            capacity.add(rule);
        }
        return s.build(() -> AnalysisSettings.custom()
                .enabled(s.bool("analysis.enabled"))
                .alertThreshold(s.number("analysis.alert-threshold"))
                .skipMetrics(Set.copyOf(s.list("analysis.skip-metrics")))
                .capacity(capacity)
                .capacityLimit(s.number("analysis.capacity-limit"))
                .horizon(s.duration("analysis.horizon", Duration.ZERO))
                .capacityMinHistory(s.duration("analysis.capacity-min-history", Duration.ZERO))
                .trendHalfLife(s.duration("analysis.trend-half-life", Duration.ZERO))
                .maxSeries(s.integer("analysis.max-series"))
                .cpuShare(s.number("analysis.cpu-share"))
                .build());
    }

    private static Duration leaderTtl(Settings s) {
        Duration ttl = s.duration("leader.ttl", Duration.ofMillis(600));
        if (ttl.compareTo(Duration.ofSeconds(60)) > 0) {
            throw s.invalid(
                    "leader.ttl", s.string("leader.ttl"), "at most 60s (a dead leader is replaced only after it)");
        }
        return ttl;
    }
}
