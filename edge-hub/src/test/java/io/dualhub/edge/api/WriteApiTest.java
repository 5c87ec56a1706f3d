package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.TestEdge;
import io.dualhub.edge.ingest.LineProtocolException;
import io.dualhub.edge.ingest.LineProtocolParser;
import io.dualhub.edge.ingest.Precision;
import io.dualhub.testkit.ManagementEndpoints;
import io.dualhub.testkit.NatsFixture;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The edge's HTTP API against a real nats-server: 204 only after the append, 400 naming the line, 413, gzip. */
class WriteApiTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    static Path dir;

    private static TestEdge edge;
    private static EdgeAgent agent;
    private static String url;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        edge = TestEdge.start(
                "api-test",
                NATS,
                dir,
                Map.of(
                        "http.max-body", "4KiB",
                        "http.max-points", "100",
                        "ingest.max-series", "40",
                        "buffer.max-batch-bytes", "3500"));
        agent = edge.agent();
        url = edge.url();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    private static HttpResponse<String> post(String query, byte[] body, String encoding) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + "/api/v1/write" + query))
                .POST(HttpRequest.BodyPublishers.ofByteArray(body));
        if (encoding != null) {
            b.header("Content-Encoding", encoding);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> get(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Only health and metrics are served; the framework's other endpoints (internals, state changes) are not. */
    @Test
    void onlyHealthAndMetricsOfTheManagementEndpointsAreServed() throws Exception {
        assertThat(ManagementEndpoints.statuses(url, ManagementEndpoints.OPEN))
                .allSatisfy((path, status) -> assertThat(status).as(path).isEqualTo(200));
        assertThat(ManagementEndpoints.statuses(url, ManagementEndpoints.CLOSED))
                .allSatisfy((path, status) -> assertThat(status).as(path).isIn(401, 403, 404, 405));
    }

    @Test
    void acceptedWriteIsInTheBufferWhenTheAnswerComes() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> r = post("?precision=s", "cpu,host=a usage=1.5 1700000000\nmem value=3".getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(204);
        assertThat(agent.buffer().lastSeq()).isEqualTo(before + 1);
    }

    @Test
    void badLineIsNamedAndNothingOfTheRequestIsStored() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> r = post("", "a v=1\nb v=2\nc v=\"str\"\nd v=4".getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"line\":3").contains("field 'v' is a string");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    @Test
    void aBodyThatIsNotUtf8Is400AndALegitimateReplacementCharacterIsKept() throws Exception {
        long before = agent.buffer().lastSeq();
        byte[] bad = "a,t=x v=1\nb v=2".getBytes(StandardCharsets.UTF_8);
        bad[4] = (byte) 0xC3; // a lead byte without its continuation
        HttpResponse<String> r = post("", bad, null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("not valid UTF-8");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
        assertThat(post("", "a,t=\uFFFD v=1".getBytes(StandardCharsets.UTF_8), null)
                        .statusCode())
                .isEqualTo(204);
    }

    @Test
    void badPrecisionIs400() throws Exception {
        HttpResponse<String> r = post("?precision=h", "a v=1".getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("precision 'h'");
    }

    @Test
    void bodyOverTheLimitIs413AndNothingIsStored() throws Exception {
        long before = agent.buffer().lastSeq();
        assertThat(post("", "a v=1\n".repeat(1000).getBytes(), null).statusCode())
                .isEqualTo(413);
        assertThat(post("", gzip("a v=1\n".repeat(1000)), "gzip").statusCode())
                .as("limit applies after inflating")
                .isEqualTo(413);
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    @Test
    void moreThanMaxPointsIs413NamingTheLimitAndNothingIsStored() throws Exception {
        long before = agent.buffer().lastSeq();
        assertThat(post("", "a v=1\n".repeat(100).getBytes(), null).statusCode())
                .isEqualTo(204);
        HttpResponse<String> r =
                post("", "a v=1\n".repeat(50).concat("b x=1,y=2\n".repeat(26)).getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(413);
        assertThat(r.body()).contains("more than 100 points (http.max-points)", "\"line\":76");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before + 1);
    }

    @Test
    void moreSeriesThanTheEdgeTakesIs400NamingTheLimitAndNothingIsStored() throws Exception {
        long before = agent.buffer().lastSeq();
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < 60; i++) {
            body.append("churn,pod=p").append(i).append(" v=1\n");
        }
        HttpResponse<String> r = post("", body.toString().getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("limit of 40 series", "ingest.max-series");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    @Test
    void aPointLargerThanABatchMayHoldIs400NamingTheLimitAndNothingIsStored() throws Exception {
        long before = agent.buffer().lastSeq();
        // four tag values of 900 characters, each its own: more than a batch's 3500 bytes, within the body's 4 KiB
        String big = "big,t1=" + "a".repeat(900) + ",t2=" + "b".repeat(900) + ",t3=" + "c".repeat(900) + ",t4="
                + "d".repeat(900) + " v=1";
        HttpResponse<String> r = post("", ("a v=1\n" + big + "\nc v=1").getBytes(), null);
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("metric 'big_v'", "buffer.max-batch-bytes", "nothing of this write was stored");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    /** A body parsed piece by piece keeps its line numbers across pieces. */
    @Test
    void aBadLineIsNamedByItsNumberInTheWholeBody() {
        String body = "a v=1\n".repeat(200_000) + "bad\n";
        assertThatThrownBy(() -> LineWrites.parse(
                        body.getBytes(StandardCharsets.UTF_8), new LineProtocolParser(Precision.NS, 0)))
                .isInstanceOfSatisfying(
                        LineProtocolException.class, e -> assertThat(e.line()).isEqualTo(200_001));
        assertThat(LineWrites.parse(
                        ("a v=1\n".repeat(200_000)).getBytes(StandardCharsets.UTF_8),
                        new LineProtocolParser(Precision.NS, 0)))
                .hasSize(200_000);
    }

    @Test
    void gzipBodyIsAccepted() throws Exception {
        long before = agent.buffer().lastSeq();
        assertThat(post("", gzip("a v=1\nb v=2\n"), "gzip").statusCode()).isEqualTo(204);
        assertThat(agent.buffer().lastSeq()).isEqualTo(before + 1);
        assertThat(post("", "a v=1".getBytes(), "br").statusCode()).isEqualTo(400);
    }

    @Test
    void healthAndPrometheus() throws Exception {
        HttpResponse<String> health = get("/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).contains("\"status\":\"UP\"", "\"bufferWritable\":true", "\"edgeId\":\"api-test\"");
        assertThat(get("/prometheus").body())
                .contains(
                        "dualhub_edge_points_accepted_total",
                        "dualhub_edge_batches_appended_total",
                        "dualhub_edge_batches_acked_total",
                        "dualhub_edge_backlog_batches",
                        "dualhub_edge_publish_ack_seconds_bucket");
    }

    private static byte[] gzip(String s) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(s.getBytes());
        }
        return out.toByteArray();
    }
}
