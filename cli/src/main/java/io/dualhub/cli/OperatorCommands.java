package io.dualhub.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.WholeFile;
import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.UsageException;
import io.dualhub.common.config.ConfigException;
import io.dualhub.common.tls.PemFiles;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SSLHandshakeException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code ./dualhub status} (the fleet as a CentralHub sees it) and {@code ./dualhub edge-status} (one agent's own
 * view), read from their HTTP APIs and printed for a terminal, {@code ./dualhub backup} (a hub's store into a file),
 * and {@code ./dualhub nats-user}. Exit status 1 when the hub cannot be reached, 2 on bad usage.
 */
@Command(
        name = "dualhub",
        description = "Operator commands: read a running hub, take a backup, make NATS users.",
        subcommands = NatsUserCommand.class)
public final class OperatorCommands {
    static final String DEFAULT_EDGE = "http://127.0.0.1:8471";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final PrintStream out;

    OperatorCommands(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Cli.exit(new OperatorCommands(System.out), args);
    }

    @Command(name = "status", description = "The fleet as a CentralHub sees it.")
    void status(@Mixin CentralAccess central) throws IOException, InterruptedException {
        HttpClient http = client(central.ca); // one for every group's hub: the CA is read once
        for (int i = 0; i < central.urls.size(); i++) {
            if (i > 0) {
                out.println();
            }
            fleet(Hub.central(central.urls.get(i), central.token, http));
        }
    }

    @Command(name = "backup", description = "A consistent snapshot of a running CentralHub's store, into a new file.")
    void backup(
            @Mixin CentralAccess central,
            @Option(names = "--out", paramLabel = "FILE", required = true, description = "where to write the backup")
                    Path file)
            throws IOException, InterruptedException {
        if (central.urls.size() != 1) {
            throw new UsageException("backup takes one CentralHub (--central URL): a backup is of one hub's store");
        }
        backup(Hub.central(central.urls.get(0), central.token, client(central.ca)), file);
    }

    @Command(name = "edge-status", description = "One edge agent's buffer, backlog, NATS connection and breaker.")
    void edgeStatus(
            @Option(
                            names = "--edge",
                            paramLabel = "URL",
                            defaultValue = DEFAULT_EDGE,
                            converter = HubUrl.class,
                            description = "the edge agent's HTTP API (default: ${DEFAULT-VALUE})")
                    String edge)
            throws IOException, InterruptedException {
        edge(new Hub(edge, "the edge agent", "--edge", null, client(null)));
    }

    /** An HTTP client; for https, trusting the CA in {@code ca} when given, else the JVM's default CAs. */
    private static HttpClient client(String ca) {
        HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3));
        if (ca != null && !ca.isEmpty()) {
            try {
                b.sslContext(PemFiles.clientTrusting(Path.of(ca), "--ca"));
            } catch (ConfigException e) {
                throw new UsageException(e.getMessage().replace("invalid configuration: ", ""));
            }
        }
        return b.build();
    }

    /**
     * A hub to read: its base URL, what it is, the flag that points at it (for error messages), the bearer token to
     * send (null for none) and the client to read it with.
     */
    private record Hub(String url, String what, String flag, String token, HttpClient http) {
        static Hub central(String url, String token, HttpClient http) {
            return new Hub(url, "the CentralHub", "--central", token, http);
        }
    }

    private void fleet(Hub central) throws IOException, InterruptedException {
        JsonNode health =
                get(central, "/health").path("details").path("central").path("details");
        JsonNode stats = get(central, "/api/v1/stats");
        out.printf(
                "CentralHub %s: instance %s, %s%s, ingest %s, %,d points stored%n",
                central.url(),
                health.path("instance").asText("?"),
                health.path("role").asText("?"),
                health.has("partition")
                        ? " of group " + health.path("partition").asText()
                        : "",
                health.path("ingest").asText("?"),
                stats.path("pointsStored").asLong());
        JsonNode alerts = get(central, "/api/v1/alerts");
        Map<String, Long> alertsPerEdge = new HashMap<>();
        for (JsonNode a : alerts) {
            alertsPerEdge.merge(a.path("edge").asText(), 1L, Long::sum);
        }
        TextTable table = new TextTable(
                "EDGE", "STATE", "LAST SEEN", "BACKLOG", "STORED", "DROPPED", "MISSING", "LOST", "ALERTS", "VERSION");
        for (JsonNode e : get(central, "/api/v1/edges")) {
            String id = e.path("edgeId").asText();
            table.row(
                    id,
                    e.path("state").asText(),
                    e.path("lastSeen").asText("never"),
                    e.path("backlog").asText(),
                    e.path("pointsStored").asText(),
                    e.path("pointsDeclaredDropped").asText(),
                    Integer.toString(e.path("missingRanges").size()),
                    e.path("batchesLost").asText(),
                    Long.toString(alertsPerEdge.getOrDefault(id, 0L)),
                    e.path("version").asText("-"));
        }
        out.print(table.render());
        for (JsonNode a : alerts) {
            out.printf(
                    "%s  %s%n",
                    a.path("severity").asText().toUpperCase(Locale.ROOT),
                    a.path("summary").asText());
        }
    }

    private void edge(Hub edge) throws IOException, InterruptedException {
        JsonNode health = get(edge, "/health");
        JsonNode d = health.path("details").path("edge").path("details");
        out.printf(
                "edge %s at %s: %s%n",
                d.path("edgeId").asText("?"), edge.url(), health.path("status").asText("?"));
        out.printf(
                "  buffer     %s; last appended batch %d, acknowledged up to %d, backlog %d batches%n",
                d.path("bufferWritable").asBoolean() ? "writable" : "NOT WRITABLE",
                d.path("lastSeq").asLong(),
                d.path("ackedSeq").asLong(),
                d.path("backlog").asLong());
        out.printf(
                "  NATS       %s%s, publishing to %s%n",
                d.path("nats").asText("?"),
                d.hasNonNull("natsServer") ? " to " + d.path("natsServer").asText() : "",
                d.path("stream").asText("?"));
        out.printf(
                "  forwarder  %s, circuit breaker %s%n",
                d.path("forwarderRunning").asBoolean() ? "running" : "STOPPED",
                d.path("circuitBreaker").asText("?"));
        for (JsonNode t : d.path("scrape")) {
            out.printf(
                    "  scrape     %s %s: %s, %d samples in %d ms%s%n",
                    t.path("job").asText(),
                    t.path("url").asText(),
                    t.path("health").asText("?").toUpperCase(Locale.ROOT),
                    t.path("samples").asLong(),
                    t.path("durationMs").asLong(),
                    t.hasNonNull("lastError") ? "; " + t.path("lastError").asText() : "");
        }
        for (JsonNode f : d.path("scrapeFiles")) {
            out.printf(
                    "  targets    %s: %d targets%s%n",
                    f.path("file").asText(),
                    f.path("targets").asLong(),
                    f.hasNonNull("lastError") ? "; " + f.path("lastError").asText() : "");
        }
    }

    /**
     * Asks the hub for a backup ({@code POST /api/v1/backup}, operator token) and writes it to {@code file}: into
     * {@code <file>.partial} first, forced to disk, then renamed, so {@code file} is either absent or the whole backup.
     */
    private void backup(Hub central, Path file) throws IOException, InterruptedException {
        if (Files.exists(file)) {
            throw new UsageException("--out " + file + " exists; give a new file name (a backup never overwrites)");
        }
        Path partial = WholeFile.partial(file);
        try {
            HttpResponse<Path> resp = send(
                    central,
                    request(central, "/api/v1/backup")
                            .timeout(Duration.ofHours(6))
                            .POST(HttpRequest.BodyPublishers.noBody())
                            .build(),
                    HttpResponse.BodyHandlers.ofFile(partial));
            if (resp.statusCode() != 200) {
                boolean token = resp.statusCode() == 401 || resp.statusCode() == 403;
                throw new IOException(central.what() + " at " + central.url() + " refused the backup ("
                        + resp.statusCode() + "): " + errorOf(Files.readString(partial))
                        + (token ? "; a backup needs the operator token (--token or DUALHUB_TOKEN)" : ""));
            }
            long expected = resp.headers().firstValueAsLong("Content-Length").orElse(-1);
            long arrived = Files.size(partial);
            if (expected >= 0 && arrived != expected) {
                throw new IOException("the backup arrived incomplete (" + arrived + " of " + expected
                        + " bytes); nothing was written to " + file);
            }
            WholeFile.place(partial, file);
            out.printf(
                    "backup of CentralHub %s taken at %s: %s points from %s edges, %,d bytes, written to %s%n",
                    resp.headers().firstValue("X-Dualhub-Backup-Source").orElse("?"),
                    resp.headers().firstValueAsLong("X-Dualhub-Backup-Taken-At").stream()
                            .mapToObj(Instant::ofEpochMilli)
                            .findFirst()
                            .map(Instant::toString)
                            .orElse("?"),
                    resp.headers().firstValue("X-Dualhub-Backup-Points").orElse("?"),
                    resp.headers().firstValue("X-Dualhub-Backup-Edges").orElse("?"),
                    Files.size(file),
                    file);
        } finally {
            Files.deleteIfExists(partial); // placed, or nothing of it is kept
        }
    }

    private static String errorOf(String body) {
        try {
            return JSON.readTree(body).path("error").asText("no reason given");
        } catch (IOException e) {
            return body.isBlank() ? "no reason given" : body.strip();
        }
    }

    /** A JSON document from the hub; the body is read whatever the status (health answers 503 when DOWN). */
    private JsonNode get(Hub hub, String path) throws IOException, InterruptedException {
        HttpResponse<String> resp = send(
                hub, request(hub, path).timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        if (resp.statusCode() == 401 || resp.statusCode() == 403) {
            throw new IOException(hub.what() + " at " + hub.url() + " refused " + path + " (" + resp.statusCode()
                    + "): " + errorOf(resp.body()) + "; pass a viewer token with --token or DUALHUB_TOKEN");
        }
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IOException(
                    hub.url() + path + " answered " + resp.statusCode() + " with something that is not" + " JSON; is "
                            + hub.url() + " " + hub.what() + "?",
                    e);
        }
    }

    private static HttpRequest.Builder request(Hub hub, String path) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(hub.url() + path));
        if (hub.token() != null && !hub.token().isEmpty()) {
            builder.header("Authorization", "Bearer " + hub.token());
        }
        return builder;
    }

    /** Sends the request; a hub that cannot be reached or whose certificate cannot be verified is said so. */
    private static <T> HttpResponse<T> send(Hub hub, HttpRequest req, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        try {
            return hub.http().send(req, body);
        } catch (ConnectException e) {
            throw new IOException(
                    "cannot reach " + hub.what() + " at " + hub.url() + " (connection refused): is it"
                            + " running? Point " + hub.flag() + " at it.",
                    e);
        } catch (SSLHandshakeException e) {
            throw new IOException(
                    "cannot verify the TLS certificate of " + hub.what() + " at " + hub.url()
                            + ": pass the CA that signed it with --ca FILE or DUALHUB_CA (" + e.getMessage() + ")",
                    e);
        }
    }
}
