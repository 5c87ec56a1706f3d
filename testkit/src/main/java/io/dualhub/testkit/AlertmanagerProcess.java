package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * A real Prometheus Alertmanager (Debian's {@code prometheus-alertmanager}) on a free loopback port, without
 * clustering, routing every alert to one webhook receiver at once ({@code group_wait} and {@code group_interval}
 * of 1 s) with resolved notifications; {@link #query()} asks it through {@code amtool}, its own client.
 */
public final class AlertmanagerProcess implements AutoCloseable {
    private static final String BINARY =
            System.getenv().getOrDefault("ALERTMANAGER", "/usr/bin/prometheus-alertmanager");
    private static final String AMTOOL = System.getenv().getOrDefault("AMTOOL", "/usr/bin/amtool");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final OsProcess process;
    private final int port;
    private final Path dir;

    private AlertmanagerProcess(OsProcess process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Why no Alertmanager can run here, or empty when one can. */
    public static Optional<String> missing() {
        if (new File(BINARY).canExecute() && new File(AMTOOL).canExecute()) {
            return Optional.empty();
        }
        return Optional.of("no Alertmanager here: the alert delivery drills need " + BINARY + " and " + AMTOOL
                + " (Debian package prometheus-alertmanager; ALERTMANAGER and AMTOOL name others)");
    }

    /** Starts one whose only receiver is the webhook at {@code webhookUrl}, and waits until it is ready. */
    public static AlertmanagerProcess start(Path dir, String webhookUrl) {
        try {
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("alertmanager.yml"), """
                    route:
                      receiver: test
                      group_by: ['alertname', 'edge']
                      group_wait: 1s
                      group_interval: 1s
                      repeat_interval: 1h
                    receivers:
                      - name: test
                        webhook_configs:
                          - url: %s
                            send_resolved: true
                    """.formatted(webhookUrl));
            int port = FreePorts.next();
            OsProcess process = OsProcess.start(
                    "alertmanager",
                    List.of(
                            BINARY,
                            "--config.file=" + config,
                            "--storage.path=" + dir.resolve("data"),
                            "--web.listen-address=127.0.0.1:" + port,
                            "--cluster.listen-address="),
                    dir.resolve("alertmanager.log"));
            AlertmanagerProcess am = new AlertmanagerProcess(process, port, dir);
            await("Alertmanager ready on " + port)
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(am::ready);
            return am;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }

    private boolean ready() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException("Alertmanager exited: " + process.logTail(20));
        }
        HttpResponse<Void> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url() + "/-/ready")).build(),
                        HttpResponse.BodyHandlers.discarding());
        return response.statusCode() == 200;
    }

    /** {@code amtool alert query -o json}: the alerts Alertmanager holds as active. */
    public JsonNode query() throws IOException, InterruptedException {
        Path out = dir.resolve("amtool-" + System.nanoTime() + ".json");
        OsProcess amtool = OsProcess.start(
                "amtool", List.of(AMTOOL, "alert", "query", "--alertmanager.url=" + url(), "-o", "json"), out);
        if (!amtool.awaitExit(Duration.ofSeconds(30)) || amtool.exitValue() != 0) {
            throw new IOException("amtool failed: " + amtool.logTail(10));
        }
        JsonNode alerts = JSON.readTree(out.toFile());
        Files.delete(out);
        return alerts;
    }

    /** SIGSTOP: it keeps its port and answers nothing, as a hung receiver does. */
    public void pause() {
        process.pause();
    }

    public void resume() {
        process.resume();
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(5));
    }
}
