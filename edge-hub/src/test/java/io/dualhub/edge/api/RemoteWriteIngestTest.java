package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.CountingTarget;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.PrometheusAgent;
import io.dualhub.testkit.RemoteWriteBodies;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final HttpClient http = HttpClient.newHttpClient();

    private TestEdge edge(int port) {
        return TestEdge.start("rw-test", NATS, dir.resolve("data"), port, Map.of());
    }

    @Test
    void prometheusInAgentModeWritesEveryScrapeOnce() throws Exception {
        Assumptions.assumeTrue(
                PrometheusAgent.missing().isEmpty(),
                () -> "skipped: " + PrometheusAgent.missing().get());
        int port = FreePorts.next();
        try (CountingTarget counter = new CountingTarget();
                TestEdge running = edge(port);
                PrometheusAgent prometheus = PrometheusAgent.start(
                        dir.resolve("prometheus"),
                        "counter",
                        counter.address(),
                        "200ms",
                        "http://127.0.0.1:" + port + "/api/v1/write")) {
            EdgeAgent agent = running.agent();
            await("ten scrapes written to the edge")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> values(agent, CountingTarget.METRIC).size() >= 10);
            List<Double> values = values(agent, CountingTarget.METRIC);
            assertThat(values).doesNotHaveDuplicates();
            for (int i = 1; i < values.size(); i++) {
                assertThat(values.get(i)).as("value " + (i + 1)).isEqualTo(values.get(i - 1) + 1);
            }
            Point one = points(agent, "up").get(0);
            assertThat(one.tags()).containsEntry("job", "counter").containsKey("instance");
        }
    }

    @Test
    void aRequestSentAgainIsTakenOnceAlsoAfterARestart() throws Exception {
        byte[] body = request("resent_total", 1_700_000_000_000L, 1_700_000_015_000L);
        int port = FreePorts.next();
        try (TestEdge running = edge(port)) {
            EdgeAgent agent = running.agent();
            assertThat(post(port, body).statusCode()).isEqualTo(204);
            long after = agent.buffer().lastSeq();
            assertThat(post(port, body).statusCode()).isEqualTo(204);
            assertThat(agent.buffer().lastSeq())
                    .as("nothing appended for the retry")
                    .isEqualTo(after);
        }
        port = FreePorts.next(); // the same data directory; a port of its own, as the first may linger
        try (TestEdge running = edge(port)) {
            EdgeAgent agent = running.agent();
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
        try (TestEdge running = edge(port)) {
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
