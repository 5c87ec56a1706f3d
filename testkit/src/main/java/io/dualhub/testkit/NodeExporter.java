package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real Prometheus node_exporter (Debian's {@code prometheus-node-exporter}, or {@code $NODE_EXPORTER}) on a free
 * loopback port: a target serving what a user's machines serve, to scrape.
 */
public final class NodeExporter implements AutoCloseable {
    private static final String BINARY =
            System.getenv().getOrDefault("NODE_EXPORTER", "/usr/bin/prometheus-node-exporter");

    private final int port = FreePorts.next();
    private final OsProcess process;

    private NodeExporter(Path log) {
        process = OsProcess.start("node_exporter", List.of(BINARY, "--web.listen-address=127.0.0.1:" + port), log);
        HttpClient http = HttpClient.newHttpClient();
        await("node_exporter answering on " + port)
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException("node_exporter exited; its log ends:\n" + process.logTail(5));
                    }
                    return http.send(
                                            HttpRequest.newBuilder(URI.create(url()))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    /** Why node_exporter cannot run here, or empty when it can. */
    public static Optional<String> missing() {
        return new File(BINARY).canExecute()
                ? Optional.empty()
                : Optional.of("no node_exporter at " + BINARY
                        + " (Debian package prometheus-node-exporter; NODE_EXPORTER names another)");
    }

    /** Starts one, its output in {@code log}, and waits until it serves its metrics. */
    public static NodeExporter start(Path log) {
        return new NodeExporter(log);
    }

    /** Its metrics page. */
    public String url() {
        return "http://127.0.0.1:" + port + "/metrics";
    }

    @Override
    public void close() {
        process.kill9();
    }
}
