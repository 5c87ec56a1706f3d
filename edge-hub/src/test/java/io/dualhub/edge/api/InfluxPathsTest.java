package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.influxdb.client.InfluxDBClient;
import com.influxdb.client.InfluxDBClientFactory;
import com.influxdb.client.domain.WritePrecision;
import com.influxdb.exceptions.BadRequestException;
import com.influxdb.exceptions.UnauthorizedException;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.NatsFixture;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPOutputStream;
import org.influxdb.InfluxDB;
import org.influxdb.InfluxDBException;
import org.influxdb.InfluxDBFactory;
import org.influxdb.dto.Point;
import org.influxdb.dto.Pong;
import org.influxdb.dto.Query;
import org.influxdb.dto.QueryResult;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * InfluxDB's own paths on an edge with an ingest token, driven by InfluxDB's own client libraries (influxdb-java for
 * 1.x, influxdb-client-java for 2.x) and by requests shaped as Telegraf's {@code influxdb} and {@code influxdb_v2}
 * outputs send them: each accepted write is in the buffer, with the points and timestamps it carried, when the
 * answer comes; each refusal is read by the client as the error it names, and stores nothing.
 */
class InfluxPathsTest {
    private static final String TOKEN = "s3cret-ingest";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    static Path dir;

    private static TestEdge edge;
    private static EdgeAgent agent;
    private static String url;
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() throws Exception {
        Path token = Files.writeString(dir.resolve("ingest.token"), TOKEN + "\n");
        edge = TestEdge.start("influx-test", NATS, dir.resolve("data"), Map.of("http.ingest-token", "file:" + token));
        agent = edge.agent();
        url = edge.url();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void influxdbJavaPingsCreatesItsDatabaseAndWritesGzippedPoints() {
        try (InfluxDB influx = InfluxDBFactory.connect(url, "telegraf", TOKEN)) {
            Pong pong = influx.ping();
            assertThat(pong.isGood()).isTrue();
            assertThat(pong.getVersion()).startsWith("dualhub-");
            QueryResult created = influx.query(new Query("CREATE DATABASE \"metrics\""));
            assertThat(created.hasError()).isFalse();
            influx.enableGzip();
            long before = agent.buffer().lastSeq();

            influx.write(Point.measurement("cpu")
                    .time(1_700_000_000L, TimeUnit.SECONDS)
                    .tag("host", "a")
                    .addField("usage", 1.5)
                    .build());
            influx.write("metrics", "autogen", InfluxDB.ConsistencyLevel.ONE, TimeUnit.MINUTES, "mem,host=a used=7 2");

            assertThat(pointsSince(before))
                    .containsExactly("cpu_usage{host=a} 1700000000000 1.5", "mem_used{host=a} 120000 7.0");
        }
    }

    @Test
    void influxdbJavaReadsARefusalsReasonAndNothingIsStored() {
        long before = agent.buffer().lastSeq();
        try (InfluxDB influx = InfluxDBFactory.connect(url, "telegraf", TOKEN)) {
            assertThatThrownBy(
                            () -> influx.write("metrics", "autogen", InfluxDB.ConsistencyLevel.ONE, "ok v=1\nbad line"))
                    .isInstanceOf(InfluxDBException.class)
                    .hasMessageContaining("line 2");
        }
        try (InfluxDB stranger = InfluxDBFactory.connect(url, "telegraf", "wrong")) {
            assertThatThrownBy(() -> stranger.write("metrics", "autogen", InfluxDB.ConsistencyLevel.ONE, "a v=1"))
                    .isInstanceOf(InfluxDBException.class)
                    .hasMessageContaining("ingest token");
        }
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    @Test
    void influxdbClientJavaPingsAndWritesWithItsTokenGzipped() {
        try (InfluxDBClient client = InfluxDBClientFactory.create(url, TOKEN.toCharArray(), "lab", "metrics")) {
            assertThat(client.ping()).isTrue();
            client.enableGzip();
            long before = agent.buffer().lastSeq();

            client.getWriteApiBlocking()
                    .writeRecords(WritePrecision.US, List.of("disk,dev=sda free=9 1700000000000123", "load v=2"));

            List<String> points = pointsSince(before);
            assertThat(points).hasSize(2);
            assertThat(points.get(0)).isEqualTo("disk_free{dev=sda} 1700000000000 9.0");
            assertThat(points.get(1)).startsWith("load_v{} ").endsWith(" 2.0");
        }
    }

    @Test
    void influxdbClientJavaReadsARefusalsReasonAndNothingIsStored() {
        long before = agent.buffer().lastSeq();
        try (InfluxDBClient client = InfluxDBClientFactory.create(url, TOKEN.toCharArray(), "lab", "metrics")) {
            assertThatThrownBy(() -> client.getWriteApiBlocking()
                            .writeRecords(WritePrecision.S, List.of("ok v=1", "x v=\"text\"")))
                    .isInstanceOf(BadRequestException.class)
                    .hasMessageContaining("field 'v' is a string");
        }
        try (InfluxDBClient stranger = InfluxDBClientFactory.create(url, "wrong".toCharArray(), "lab", "metrics")) {
            assertThatThrownBy(() -> stranger.getWriteApiBlocking().writeRecord(WritePrecision.S, "a v=1"))
                    .isInstanceOf(UnauthorizedException.class)
                    .hasMessageContaining("ingest token");
        }
        assertThat(agent.buffer().lastSeq()).isEqualTo(before);
    }

    /** Telegraf's influxdb output: CREATE DATABASE as a form at start, then gzipped writes with basic auth. */
    @Test
    void telegrafsV1OutputIsServedAsInfluxDbServesIt() throws Exception {
        String basic = "Basic " + Base64.getEncoder().encodeToString(("telegraf:" + TOKEN).getBytes());
        HttpResponse<String> created = send(HttpRequest.newBuilder(URI.create(url + "/query"))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=CREATE+DATABASE+%22telegraf%22")));
        assertThat(created.statusCode()).isEqualTo(200);
        assertThat(created.body()).isEqualTo("{\"results\":[{\"statement_id\":0}]}");
        long before = agent.buffer().lastSeq();

        HttpResponse<String> written = send(HttpRequest.newBuilder(URI.create(url + "/write?db=telegraf"))
                .header("Authorization", basic)
                .header("Content-Encoding", "gzip")
                .header("Content-Type", "text/plain; charset=utf-8")
                .header("User-Agent", "Telegraf/1.28.5 Go/1.21.3")
                .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("swap,host=a used=3i 1700000000000000000\n"))));

        assertThat(written.statusCode()).isEqualTo(204);
        assertThat(pointsSince(before)).containsExactly("swap_used{host=a} 1700000000000 3.0");
        HttpResponse<String> other = send(HttpRequest.newBuilder(URI.create(url + "/query"))
                .header("Authorization", basic)
                .header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("q=SELECT+*+FROM+cpu")));
        assertThat(other.statusCode()).isEqualTo(400);
        assertThat(other.body()).contains("an edge takes writes only");
    }

    /** Telegraf's influxdb_v2 output: a token header, org and bucket, gzip; a bad precision named in 2.x's shape. */
    @Test
    void telegrafsV2OutputIsServedAndRefusalsComeInV2sShape() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> written =
                send(HttpRequest.newBuilder(URI.create(url + "/api/v2/write?bucket=metrics&org=lab&precision=s"))
                        .header("Authorization", "Token " + TOKEN)
                        .header("Content-Encoding", "gzip")
                        .POST(HttpRequest.BodyPublishers.ofByteArray(gzip("net,nic=eth0 rx=5 1700000000\n"))));
        assertThat(written.statusCode()).isEqualTo(204);
        assertThat(pointsSince(before)).containsExactly("net_rx{nic=eth0} 1700000000000 5.0");

        HttpResponse<String> hours = send(HttpRequest.newBuilder(URI.create(url + "/api/v2/write?bucket=b&precision=h"))
                .header("Authorization", "Token " + TOKEN)
                .POST(HttpRequest.BodyPublishers.ofString("a v=1")));
        assertThat(hours.statusCode()).isEqualTo(400);
        assertThat(hours.body())
                .isEqualTo("{\"code\":\"invalid\",\"message\":\"precision 'h' is not one of ns, us, ms, s\"}");
        HttpResponse<String> stranger = send(HttpRequest.newBuilder(URI.create(url + "/api/v2/write?bucket=b"))
                .POST(HttpRequest.BodyPublishers.ofString("a v=1")));
        assertThat(stranger.statusCode()).isEqualTo(401);
        assertThat(stranger.body())
                .startsWith("{\"code\":\"unauthorized\",\"message\":\"this edge needs its ingest token");
        assertThat(agent.buffer().lastSeq()).isEqualTo(before + 1);
    }

    @Test
    void pingNeedsNoTokenAndAnswersAsInfluxDbDoes() throws Exception {
        HttpResponse<String> get = send(HttpRequest.newBuilder(URI.create(url + "/ping")));
        assertThat(get.statusCode()).isEqualTo(204);
        assertThat(get.headers().firstValue(InfluxController.VERSION_HEADER)).hasValue("dualhub-" + EdgeAgent.VERSION);
        HttpResponse<String> head = send(
                HttpRequest.newBuilder(URI.create(url + "/ping")).method("HEAD", HttpRequest.BodyPublishers.noBody()));
        assertThat(head.statusCode()).isEqualTo(204);
    }

    private static HttpResponse<String> send(HttpRequest.Builder request) throws Exception {
        return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** Every point of the batches appended after {@code seq}, in order, as "metric{tags} epochMs value". */
    private static List<String> pointsSince(long seq) {
        List<String> points = new ArrayList<>();
        agent.buffer().readRange(seq + 1, agent.buffer().lastSeq(), batch -> {
            BatchCodec.decode(batch.payload())
                    .points()
                    .forEach(p -> points.add(p.metric() + p.tags() + " " + p.timestampMs() + " " + p.value()));
            return true;
        });
        return points;
    }

    private static byte[] gzip(String text) throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream z = new GZIPOutputStream(out)) {
            z.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }
}
