package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * A real Prometheus remote-write receiver on a free loopback port, on its own data directory: VictoriaMetrics
 * (Debian's {@code victoria-metrics}, with {@code -dedup.minScrapeInterval=1ms} as its docs advise for senders that
 * may send a sample twice) or Prometheus (Debian's {@code prometheus} with {@code --web.enable-remote-write-receiver}
 * and an out-of-order window, which lets a resent sample be taken, and counted once, instead of refused). Both are
 * asked through their own Prometheus query API; either can be killed (-9) and started again on its data.
 */
public final class RemoteWriteReceiver implements AutoCloseable {
    private static final String VICTORIA =
            System.getenv().getOrDefault("VICTORIA_METRICS", "/usr/bin/victoria-metrics");
    private static final String PROMETHEUS = System.getenv().getOrDefault("PROMETHEUS", "/usr/bin/prometheus");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String name;
    private final Function<Integer, List<String>> command;
    private final String writePath;
    private final Path dir;
    private final int port = FreePorts.next();
    private HttpClient http = HttpClient.newHttpClient();
    private String scheme = "http";
    private OsProcess process;
    private int starts;
    private String authorization; // the Authorization header its queries need, or null

    private RemoteWriteReceiver(String name, Path dir, String writePath, Function<Integer, List<String>> command) {
        this.name = name;
        this.dir = dir;
        this.writePath = writePath;
        this.command = command;
    }

    /** Why the receivers cannot run here, or empty when they can. */
    public static Optional<String> missing() {
        if (new File(VICTORIA).canExecute() && new File(PROMETHEUS).canExecute()) {
            return Optional.empty();
        }
        return Optional.of("no remote-write receivers here: the export drills need " + VICTORIA + " and " + PROMETHEUS
                + " (Debian packages victoria-metrics and prometheus; VICTORIA_METRICS and PROMETHEUS name others)");
    }

    public static RemoteWriteReceiver victoriaMetrics(Path dir) {
        return victoriaMetrics(dir, List.of()).start();
    }

    /**
     * A VictoriaMetrics on https only, with the server certificate of {@code certs}, that wants basic auth
     * ({@code -httpAuth.*}) on every request, writes and queries alike.
     */
    public static RemoteWriteReceiver victoriaMetrics(
            Path dir, TestCertificates certs, String username, String password) {
        RemoteWriteReceiver vm = victoriaMetrics(
                dir,
                List.of(
                        "-tls",
                        "-tlsCertFile=" + certs.file("server.pem"),
                        "-tlsKeyFile=" + certs.file("server.key"),
                        "-httpAuth.username=" + username,
                        "-httpAuth.password=" + password));
        vm.authorization = "Basic "
                + Base64.getEncoder().encodeToString((username + ":" + password).getBytes(StandardCharsets.UTF_8));
        vm.scheme = "https";
        vm.http = HttpClient.newBuilder().sslContext(certs.trustingCa()).build();
        return vm.start();
    }

    private static RemoteWriteReceiver victoriaMetrics(Path dir, List<String> flags) {
        return new RemoteWriteReceiver("victoria-metrics", dir, "/api/v1/write", port -> {
            List<String> command = new ArrayList<>(List.of(
                    VICTORIA,
                    "-httpListenAddr=127.0.0.1:" + port,
                    "-storageDataPath=" + dir.resolve("data"),
                    "-retentionPeriod=100y",
                    "-dedup.minScrapeInterval=1ms",
                    "-search.latencyOffset=0s"));
            command.addAll(flags);
            return command;
        });
    }

    public static RemoteWriteReceiver prometheus(Path dir) {
        try {
            Files.createDirectories(dir);
            Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                    storage:
                      tsdb:
                        out_of_order_time_window: 1h
                    """);
            return new RemoteWriteReceiver(
                            "prometheus",
                            dir,
                            "/api/v1/write",
                            port -> List.of(
                                    PROMETHEUS,
                                    "--config.file=" + config,
                                    "--storage.tsdb.path=" + dir.resolve("data"),
                                    "--web.listen-address=127.0.0.1:" + port,
                                    "--web.enable-remote-write-receiver"))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts it (again, on the same port and data) unless it runs, and waits until it answers queries. */
    public RemoteWriteReceiver start() {
        if (process != null && process.isAlive()) {
            return this;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = OsProcess.start(name, command.apply(port), dir.resolve(name + "-" + ++starts + ".log"));
        await(name + " ready on " + port)
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(this::ready);
        return this;
    }

    private boolean ready() throws IOException, InterruptedException {
        if (!process.isAlive()) {
            throw new IllegalStateException(name + " exited: " + process.logTail(20));
        }
        return query("vector(1)").path("status").asText().equals("success");
    }

    public String writeUrl() {
        return scheme + "://127.0.0.1:" + port + writePath;
    }

    /** The running receiver's process id. */
    public long pid() {
        return process.pid();
    }

    public String name() {
        return name;
    }

    public void kill9() {
        process.kill9();
    }

    /**
     * The raw samples of every series of {@code metric} over the last {@code window}, as the receiver's query API
     * returns them ({@code metric[window]}): the values, in the order of the series and their timestamps.
     */
    public List<Double> values(String metric, Duration window) throws IOException, InterruptedException {
        JsonNode result =
                query(metric + "[" + window.toSeconds() + "s]").path("data").path("result");
        List<Double> values = new ArrayList<>();
        for (JsonNode series : result) {
            for (JsonNode sample : series.path("values")) {
                values.add(Double.parseDouble(sample.get(1).asText()));
            }
        }
        return values;
    }

    /**
     * How many series an instant query of {@code promql} answers now: what a dashboard would draw at this moment
     * (a series that ended with a staleness marker is not among them; one that just stopped is, for 5 minutes).
     */
    public int seriesNow(String promql) throws IOException, InterruptedException {
        return query(promql).path("data").path("result").size();
    }

    private JsonNode query(String promql) throws IOException, InterruptedException {
        URI uri = URI.create(scheme + "://127.0.0.1:" + port + "/api/v1/query?nocache=1&query="
                + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        HttpRequest.Builder request = HttpRequest.newBuilder(uri);
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
            throw new IOException(name + " answered " + response.statusCode() + ": " + response.body());
        }
        return JSON.readTree(response.body());
    }

    @Override
    public void close() {
        process.stop(Duration.ofSeconds(10));
    }
}
