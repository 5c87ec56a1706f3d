package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.EdgeMain;
import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.edge.ingest.RemoteWriteBodies;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OsProcess;
import io.micronaut.context.ApplicationContext;
import java.io.File;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Prometheus remote write into an edge: a real Prometheus 2.42 in agent mode scrapes a counter that counts its
 * scrapes and remote-writes to the edge; every value arrives once, with its labels. A request sent again — at once,
 * or after the edge restarted on its data — is answered 204 and stores nothing more.
 */
class RemoteWriteIngestTest {
    private static final String PROMETHEUS = System.getenv().getOrDefault("PROMETHEUS", "/usr/bin/prometheus");

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private ApplicationContext edge(int port) {
        return EdgeMain.start(EdgeConfig.load(
                null,
                Map.of(
                        "id", "rw-test",
                        "nats.servers", NATS.urls(),
                        "data.dir", dir.resolve("data").toString(),
                        "http.port", Integer.toString(port),
                        "collect.enabled", "false")));
    }

    @Test
    void prometheusInAgentModeWritesEveryScrapeOnce() throws Exception {
        Assumptions.assumeTrue(new File(PROMETHEUS).canExecute(), "skipped: no " + PROMETHEUS + " (Debian prometheus)");
        AtomicLong scrapes = new AtomicLong();
        HttpServer counter = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        counter.createContext("/metrics", x -> {
            byte[] body = ("# TYPE scrapes_total counter\nscrapes_total{kind=\"test\"} " + scrapes.incrementAndGet()
                            + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        counter.start();
        int port = FreePorts.next();
        Path config = Files.writeString(dir.resolve("prometheus.yml"), """
                global:
                  scrape_interval: 200ms
                scrape_configs:
                  - job_name: counter
                    static_configs:
                      - targets: ['127.0.0.1:%d']
                remote_write:
                  - url: http://127.0.0.1:%d/api/v1/write
                    queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms}
                """.formatted(
                        counter.getAddress().getPort(), port));
        OsProcess prometheus = null;
        try (ApplicationContext context = edge(port)) {
            EdgeAgent agent = context.getBean(EdgeAgent.class);
            prometheus = OsProcess.start(
                    "prometheus",
                    List.of(
                            PROMETHEUS,
                            "--enable-feature=agent",
                            "--config.file=" + config,
                            "--storage.agent.path=" + dir.resolve("agent"),
                            "--web.listen-address=127.0.0.1:" + FreePorts.next()),
                    dir.resolve("prometheus.log"));
            await("ten scrapes written to the edge")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> values(agent, "scrapes_total").size() >= 10);
            prometheus.kill9();
            List<Double> values = values(agent, "scrapes_total");
            assertThat(values).doesNotHaveDuplicates();
            for (int i = 1; i < values.size(); i++) {
                assertThat(values.get(i)).as("value " + (i + 1)).isEqualTo(values.get(i - 1) + 1);
            }
            Point one = points(agent, "up").get(0);
            assertThat(one.tags()).containsEntry("job", "counter").containsKey("instance");
        } finally {
            if (prometheus != null) {
                prometheus.kill9();
            }
            counter.stop(0);
        }
    }

    @Test
    void aRequestSentAgainIsTakenOnceAlsoAfterARestart() throws Exception {
        byte[] body = request("resent_total", 1_700_000_000_000L, 1_700_000_015_000L);
        int port = FreePorts.next();
        try (ApplicationContext context = edge(port)) {
            EdgeAgent agent = context.getBean(EdgeAgent.class);
            assertThat(post(port, body).statusCode()).isEqualTo(204);
            long after = agent.buffer().lastSeq();
            assertThat(post(port, body).statusCode()).isEqualTo(204);
            assertThat(agent.buffer().lastSeq())
                    .as("nothing appended for the retry")
                    .isEqualTo(after);
        }
        try (ApplicationContext context = edge(port)) {
            EdgeAgent agent = context.getBean(EdgeAgent.class);
            long before = agent.buffer().lastSeq();
            assertThat(post(port, body).statusCode()).isEqualTo(204);
            assertThat(agent.buffer().lastSeq())
                    .as("nothing appended for the retry after a restart")
                    .isEqualTo(before);
            assertThat(post(port, request("resent_total", 1_700_000_030_000L)).statusCode())
                    .isEqualTo(204);
            assertThat(points(agent, "resent_total"))
                    .extracting(Point::timestampMs)
                    .containsExactly(1_700_000_000_000L, 1_700_000_015_000L, 1_700_000_030_000L);
        }
    }

    @Test
    void aBodyThatIsNotRemoteWriteIsRefusedWith400() throws Exception {
        int port = FreePorts.next();
        try (ApplicationContext context = edge(port)) {
            HttpResponse<String> r = post(port, "cpu v=1".getBytes(StandardCharsets.UTF_8));
            assertThat(r.statusCode()).isEqualTo(400);
            assertThat(r.body()).contains("snappy");
        }
    }

    /** A remote-write body of one series with values 1, 2, ... at the given timestamps. */
    private static byte[] request(String metric, long... timestamps) {
        double[] samples = new double[timestamps.length * 2];
        for (int i = 0; i < timestamps.length; i++) {
            samples[2 * i] = i + 1;
            samples[2 * i + 1] = timestamps[i];
        }
        return new RemoteWriteBodies()
                .series(new String[] {"__name__", metric}, samples)
                .snappy();
    }

    /** Sent as Prometheus sends it. */
    private HttpResponse<String> post(int port, byte[] body) throws Exception {
        return http.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/write"))
                        .header("Content-Type", "application/x-protobuf")
                        .header("Content-Encoding", "snappy")
                        .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                        .header("User-Agent", "Prometheus/2.42.0")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static List<Point> points(EdgeAgent agent, String metric) {
        List<Point> points = new ArrayList<>();
        agent.buffer().readRange(1, agent.buffer().lastSeq(), b -> {
            BatchCodec.decode(b.payload()).points().stream()
                    .filter(p -> p.metric().equals(metric))
                    .forEach(points::add);
            return true;
        });
        return points;
    }

    private static List<Double> values(EdgeAgent agent, String metric) {
        return points(agent, metric).stream().map(Point::value).toList();
    }
}
