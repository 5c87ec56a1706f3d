package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.NatsFixture;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.exporter.otlp.http.metrics.OtlpHttpMetricExporter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.metrics.export.PeriodicMetricReader;
import io.opentelemetry.sdk.resources.Resource;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * OTLP/HTTP into an edge: OpenTelemetry's Java SDK with its OTLP HTTP exporter (protobuf) as a real client, and
 * JSON bodies written from the OTLP specification's example; names, units, labels and kinds by OpenTelemetry's
 * Prometheus compatibility rules, and what is not taken answered as a partial success.
 */
class OtlpIngestTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    static Path dir;

    private static TestEdge edge;
    private static EdgeAgent agent;
    private static String url;

    @BeforeAll
    static void start() {
        edge = TestEdge.start("otlp-test", NATS, dir, Map.of());
        agent = edge.agent();
        url = edge.url();
    }

    @AfterAll
    static void stop() {
        edge.close();
    }

    @Test
    void theJavaSdksOtlpHttpExporterIsTakenByPrometheusRules() {
        long before = agent.buffer().lastSeq();
        Resource resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(
                        AttributeKey.stringKey("service.name"), "checkout",
                        AttributeKey.stringKey("service.instance.id"), "pod-1",
                        AttributeKey.stringKey("host.name"), "h1")));
        OtlpHttpMetricExporter exporter = OtlpHttpMetricExporter.builder()
                .setEndpoint(url + "/v1/metrics")
                .setCompression("gzip")
                .build();
        SdkMeterProvider provider = SdkMeterProvider.builder()
                .setResource(resource)
                .registerMetricReader(PeriodicMetricReader.builder(exporter)
                        .setInterval(Duration.ofHours(1))
                        .build())
                .build();
        try {
            Meter meter = provider.get("shop.orders");
            LongCounter requests =
                    meter.counterBuilder("http.requests").setUnit("{request}").build();
            requests.add(3, Attributes.of(AttributeKey.stringKey("http.method"), "GET"));
            meter.upDownCounterBuilder("active.sessions").build().add(5);
            meter.gaugeBuilder("cpu.utilization").setUnit("1").buildWithCallback(g -> g.record(0.25));
            meter.histogramBuilder("http.server.duration")
                    .setUnit("ms")
                    .setExplicitBucketBoundariesAdvice(List.of(10.0, 100.0))
                    .build()
                    .record(42);
            assertThat(provider.forceFlush().join(20, TimeUnit.SECONDS).isSuccess())
                    .as("the exporter's export succeeded")
                    .isTrue();
        } finally {
            provider.close();
        }

        Map<String, Point> byName = new HashMap<>();
        for (Point p : pointsSince(before)) {
            byName.put(p.metric() + p.tags().getOrDefault("le", ""), p);
        }
        Point counter = byName.get("http_requests_total");
        assertThat(counter.value()).isEqualTo(3);
        assertThat(counter.tags())
                .containsEntry("job", "checkout")
                .containsEntry("instance", "pod-1")
                .containsEntry("http_method", "GET")
                .containsEntry("otel_scope_name", "shop.orders");
        assertThat(byName.get("active_sessions").value()).isEqualTo(5);
        assertThat(byName.get("cpu_utilization_ratio").value()).isEqualTo(0.25);
        assertThat(byName.get("http_server_duration_milliseconds_bucket10").value())
                .isEqualTo(0);
        assertThat(byName.get("http_server_duration_milliseconds_bucket100").value())
                .isEqualTo(1);
        assertThat(byName.get("http_server_duration_milliseconds_bucket+Inf").value())
                .isEqualTo(1);
        assertThat(byName.get("http_server_duration_milliseconds_sum").value()).isEqualTo(42);
        assertThat(byName.get("http_server_duration_milliseconds_count").value())
                .isEqualTo(1);
        assertThat(byName.get("target_info").tags())
                .containsEntry("host_name", "h1")
                .containsEntry("job", "checkout");
    }

    /** The OTLP specification's JSON example shape: a gauge and a delta sum, which is answered as not taken. */
    @Test
    void jsonBodiesAreReadDeltaSumsAreAnsweredAsAPartialSuccessAndARetryIsTakenOnce() throws Exception {
        long before = agent.buffer().lastSeq();
        String body = """
                {"resourceMetrics":[{"resource":{"attributes":[
                  {"key":"service.name","value":{"stringValue":"my.service"}}]},
                 "scopeMetrics":[{"scope":{"name":"my.library","version":"1.0.0"},"metrics":[
                  {"name":"my.gauge","unit":"By","gauge":{"dataPoints":[
                    {"asDouble":10.5,"timeUnixNano":"1700000000000000000",
                     "attributes":[{"key":"my.gauge.attr","value":{"intValue":"7"}}]}]}},
                  {"name":"my.counter","unit":"1","sum":{"aggregationTemporality":1,"isMonotonic":true,
                   "dataPoints":[{"asInt":"5","startTimeUnixNano":"1699999999000000000",
                     "timeUnixNano":"1700000000000000000"}]}}]}]}]}
                """;
        HttpResponse<String> r = postJson(body);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body())
                .contains("\"rejectedDataPoints\":\"1\"")
                .contains("metric my.counter: delta temporality is not taken");
        assertThat(pointsSince(before))
                .containsExactly(Point.of(
                        "my_gauge_bytes",
                        Map.of(
                                "job",
                                "my.service",
                                "my_gauge_attr",
                                "7",
                                "otel_scope_name",
                                "my.library",
                                "otel_scope_version",
                                "1.0.0"),
                        1_700_000_000_000L,
                        10.5));

        long afterFirst = agent.buffer().lastSeq();
        assertThat(postJson(body).statusCode())
                .as("the same export sent again, as an exporter retries")
                .isEqualTo(200);
        assertThat(agent.buffer().lastSeq())
                .as("nothing appended for the retry")
                .isEqualTo(afterFirst);
    }

    /**
     * OTLP's JSON writes 64-bit integers as decimal strings, which a double cannot always hold: 1700000000001000000
     * ns read as a double is ...000999936, a millisecond early, and the next point of the series at that millisecond
     * would be left out as a retry. The chaos scenario kill-edge-inputs found it.
     */
    @Test
    void jsonTimesAndIntegersAreReadExactly() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> r = postJson("""
                {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"exact","gauge":{"dataPoints":[
                  {"asInt":"1","timeUnixNano":"1700000000000000000"},
                  {"asInt":"2","timeUnixNano":"1700000000001000000"}]}}]}]}]}
                """);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(pointsSince(before))
                .extracting(Point::timestampMs)
                .containsExactly(1_700_000_000_000L, 1_700_000_000_001L);
    }

    /** A NaN value is not kept (only a point flagged as having no value ends its series): a partial success. */
    @Test
    void aNanValueIsRejectedNotTakenForAStalenessMarker() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> r = postJson("""
                {"resourceMetrics":[{"scopeMetrics":[{"metrics":[{"name":"odd","gauge":{"dataPoints":[
                  {"asDouble":"NaN","timeUnixNano":"1700000000000000000"}]}}]}]}]}
                """);
        assertThat(r.statusCode()).isEqualTo(200);
        assertThat(r.body()).contains("\"rejectedDataPoints\":\"1\"", "not a finite number");
        assertThat(pointsSince(before)).isEmpty();
    }

    /** OpenTelemetry's Prometheus rules: a point with no recorded value ends its series with staleness markers. */
    @Test
    void aPointFlaggedAsHavingNoRecordedValueIsAStalenessMarkerForEachOfItsSeries() throws Exception {
        long before = agent.buffer().lastSeq();
        HttpResponse<String> r = postJson("""
                {"resourceMetrics":[{"resource":{"attributes":[
                  {"key":"service.name","value":{"stringValue":"gone"}}]},
                 "scopeMetrics":[{"metrics":[
                  {"name":"queue.depth","gauge":{"dataPoints":[{"flags":1,"timeUnixNano":"1700000060000000000"}]}},
                  {"name":"wait","unit":"s","histogram":{"aggregationTemporality":2,"dataPoints":[
                    {"flags":1,"explicitBounds":[1,5],"timeUnixNano":"1700000060000000000"}]}}]}]}]}
                """);
        assertThat(r.statusCode()).isEqualTo(200);
        List<Point> points = pointsSince(before);
        assertThat(points).allMatch(Point::isStaleMarker).allMatch(p -> p.timestampMs() == 1_700_000_060_000L);
        assertThat(points)
                .extracting(p -> p.metric() + p.tags().getOrDefault("le", ""))
                .containsExactly(
                        "queue_depth",
                        "wait_seconds_bucket1",
                        "wait_seconds_bucket5",
                        "wait_seconds_bucket+Inf",
                        "wait_seconds_sum",
                        "wait_seconds_count");
    }

    @Test
    void aBodyThatIsNotOtlpIs400WithAStatus() throws Exception {
        HttpResponse<String> r = postJson("[1,2");
        assertThat(r.statusCode()).isEqualTo(400);
        assertThat(r.body()).contains("\"code\":3", "body is not JSON");
    }

    private static HttpResponse<String> postJson(String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url + "/v1/metrics"))
                                .header("Content-Type", "application/json")
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }

    private static List<Point> pointsSince(long seq) {
        List<Point> points = new ArrayList<>();
        agent.buffer().readRange(seq + 1, agent.buffer().lastSeq(), b -> {
            points.addAll(BatchCodec.decode(b.payload()).points());
            return true;
        });
        return points;
    }
}
