package io.dualhub.common.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;

/**
 * {@code ./dualhub status} (the fleet as a CentralHub sees it) and {@code ./dualhub edge-status} (one agent's own
 * view), read from their HTTP APIs and printed for a terminal. Exit status 1 when the hub cannot be reached, 2 on
 * bad usage.
 */
public final class OperatorCommands {
    static final String DEFAULT_CENTRAL = "http://127.0.0.1:8470";
    static final String DEFAULT_EDGE = "http://127.0.0.1:8471";
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    private final PrintStream out;

    OperatorCommands(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        try {
            new OperatorCommands(System.out).run(List.of(args));
        } catch (UsageException e) {
            System.err.println("dualhub: " + e.getMessage());
            System.exit(2);
        } catch (IOException e) {
            System.err.println("dualhub: " + e.getMessage());
            System.exit(1);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            System.exit(1);
        }
    }

    void run(List<String> args) throws IOException, InterruptedException {
        String command = args.isEmpty() ? "" : args.get(0);
        switch (command) {
            case "status" -> fleet(new Hub(url(args, "--central", DEFAULT_CENTRAL), "the CentralHub", "--central"));
            case "edge-status" -> edge(new Hub(url(args, "--edge", DEFAULT_EDGE), "the edge agent", "--edge"));
            default -> throw new UsageException("usage: status [--central URL] | edge-status [--edge URL]");
        }
    }

    private static String url(List<String> args, String flag, String fallback) {
        String url = fallback;
        for (int i = 1; i < args.size(); i++) {
            if (!args.get(i).equals(flag) || i + 1 >= args.size()) {
                throw new UsageException("unknown or incomplete flag '" + args.get(i) + "' (valid: " + flag + " URL)");
            }
            url = args.get(++i);
        }
        if (!url.matches("https?://[^\\s/]+(/.*)?")) {
            throw new UsageException(flag + " '" + url + "' is not an http:// or https:// URL");
        }
        return url.replaceAll("/+$", "");
    }

    /** A hub to read: its base URL, what it is, and the flag that points at it (for error messages). */
    private record Hub(String url, String what, String flag) {
    }

    private void fleet(Hub central) throws IOException, InterruptedException {
        JsonNode health = get(central, "/health").path("details").path("central").path("details");
        JsonNode stats = get(central, "/api/v1/stats");
        out.printf("CentralHub %s: instance %s, %s, ingest %s, %,d points stored%n", central.url(),
                health.path("instance").asText("?"), health.path("role").asText("?"), health.path("ingest").asText("?"),
                stats.path("pointsStored").asLong());
        JsonNode alerts = get(central, "/api/v1/alerts");
        TextTable table = new TextTable("EDGE", "STATE", "LAST SEEN", "BACKLOG", "STORED", "DROPPED", "MISSING", "LOST",
                "ALERTS", "VERSION");
        for (JsonNode e : get(central, "/api/v1/edges")) {
            String id = e.path("edgeId").asText();
            long edgeAlerts = 0;
            for (JsonNode a : alerts) {
                edgeAlerts += a.path("edge").asText().equals(id) ? 1 : 0;
            }
            table.row(id, e.path("state").asText(), e.path("lastSeen").asText("never"),
                    e.path("backlog").asText(), e.path("pointsStored").asText(), e.path("pointsDeclaredDropped").asText(),
                    Integer.toString(e.path("missingRanges").size()), e.path("batchesLost").asText(),
                    Long.toString(edgeAlerts), e.path("version").asText("-"));
        }
        out.print(table.render());
        for (JsonNode a : alerts) {
            out.printf("%s  %s%n", a.path("severity").asText().toUpperCase(java.util.Locale.ROOT),
                    a.path("summary").asText());
        }
    }

    private void edge(Hub edge) throws IOException, InterruptedException {
        JsonNode health = get(edge, "/health");
        JsonNode d = health.path("details").path("edge").path("details");
        out.printf("edge %s at %s: %s%n", d.path("edgeId").asText("?"), edge.url(), health.path("status").asText("?"));
        out.printf("  buffer     %s; last appended batch %d, acknowledged up to %d, backlog %d batches%n",
                d.path("bufferWritable").asBoolean() ? "writable" : "NOT WRITABLE", d.path("lastSeq").asLong(),
                d.path("ackedSeq").asLong(), d.path("backlog").asLong());
        out.printf("  NATS       %s%s, publishing to %s%n", d.path("nats").asText("?"),
                d.hasNonNull("natsServer") ? " to " + d.path("natsServer").asText() : "", d.path("stream").asText("?"));
        out.printf("  forwarder  %s, circuit breaker %s%n", d.path("forwarderRunning").asBoolean() ? "running" : "STOPPED",
                d.path("circuitBreaker").asText("?"));
    }

    /** A JSON document from the hub; the body is read whatever the status (health answers 503 when DOWN). */
    private JsonNode get(Hub hub, String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(hub.url() + path)).timeout(Duration.ofSeconds(10)).build();
        HttpResponse<String> resp;
        try {
            resp = http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (ConnectException e) {
            throw new IOException("cannot reach " + hub.what() + " at " + hub.url() + " (connection refused): is it"
                    + " running? Point " + hub.flag() + " at it.", e);
        }
        try {
            return JSON.readTree(resp.body());
        } catch (IOException e) {
            throw new IOException(hub.url() + path + " answered " + resp.statusCode() + " with something that is not"
                    + " JSON; is " + hub.url() + " " + hub.what() + "?", e);
        }
    }

    /** Bad arguments: the message says what would be valid. */
    static final class UsageException extends RuntimeException {
        UsageException(String message) {
            super(message);
        }
    }
}
