package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.central.CentralHub;
import io.dualhub.central.TestCentral;
import io.dualhub.central.dashboard.DashboardController;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /api/v1/query} within its bounds: the last hour unless {@code from} says otherwise, at most
 * {@code query.max-points} points (1,000 here) or 422 saying what to narrow, and the answer written straight from
 * the store in the documented shape; what there is to ask for ({@code /api/v1/metrics}); and the dashboard's files,
 * only those, served from the jar.
 */
class QueryApiTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    static Path dir;

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();
    private static TestCentral hub;
    private static String url;
    private static long now;

    @BeforeAll
    static void start() {
        hub = TestCentral.start(NATS, dir, Map.of("query.max-points", "1000", "analysis.enabled", "false"));
        url = hub.url();
        now = System.currentTimeMillis();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 1500; i++) { // one a second, the newest 1,500 s ago... to now
            points.add(
                    Point.of("room_temperature", Map.of("room", i % 2 == 0 ? "a" : "b"), now - (1500 - i) * 1000L, i));
        }
        points.add(Point.of("room_temperature", Map.of("room", "a"), now - 2 * 3_600_000L, -1)); // two hours ago
        hub.bean(CentralHub.class).store().commit(List.of(new Batch("lab", "", 1, now, points)));
    }

    @AfterAll
    static void stop() {
        hub.close();
    }

    private static HttpResponse<String> get(String query) throws Exception {
        return fetch("/api/v1/query?" + query);
    }

    private static HttpResponse<String> fetch(String path) throws Exception {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url + path)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static int points(JsonNode answer) {
        int n = 0;
        for (JsonNode series : answer.path("series")) {
            n += series.path("points").size();
        }
        return n;
    }

    @Test
    void anAnswerPastMaxPointsIs422SayingWhatToNarrow() throws Exception {
        HttpResponse<String> all = get("metric=room_temperature&from=0");
        assertThat(all.statusCode()).isEqualTo(422);
        assertThat(JSON.readTree(all.body()).path("error").asText())
                .contains("1501 points", "query.max-points (1000)", "from", "step", "tag.");
    }

    @Test
    void withoutFromTheLastHourIsAnsweredAndALargerStepFitsTheBound() throws Exception {
        HttpResponse<String> stepped = get("metric=room_temperature&from=0&step=1m");
        assertThat(stepped.statusCode()).isEqualTo(200);
        assertThat(points(JSON.readTree(stepped.body()))).isLessThan(100);

        HttpResponse<String> roomA = get("metric=room_temperature&tag.room=a");
        assertThat(roomA.statusCode()).isEqualTo(200);
        JsonNode answer = JSON.readTree(roomA.body());
        assertThat(answer.path("series")).hasSize(1);
        JsonNode series = answer.path("series").get(0);
        assertThat(series.path("metric").asText()).isEqualTo("room_temperature");
        assertThat(series.path("edge").asText()).isEqualTo("lab");
        assertThat(series.path("tags").path("room").asText()).isEqualTo("a");
        assertThat(series.path("points"))
                .as("the last hour of room a, not the point of two hours ago")
                .hasSize(750);
        assertThat(series.path("points").get(0).get(0).isIntegralNumber()).isTrue();
        assertThat(series.path("points").get(0).get(1).asDouble()).isZero();
    }

    @Test
    void metricNamesAndOneMetricsTagsAreListedForChoosing() throws Exception {
        JsonNode names = JSON.readTree(fetch("/api/v1/metrics?match=TEMP").body());
        assertThat(names.path("metrics").get(0).path("name").asText()).isEqualTo("room_temperature");
        assertThat(names.path("metrics").get(0).path("series").asInt()).isEqualTo(2);
        assertThat(names.path("metrics").get(0).path("edges").asInt()).isEqualTo(1);
        assertThat(JSON.readTree(fetch("/api/v1/metrics?match=humidity").body()).path("metrics"))
                .isEmpty();

        JsonNode tags = JSON.readTree(fetch("/api/v1/metrics/room_temperature").body());
        assertThat(tags.path("edges").get(0).asText()).isEqualTo("lab");
        assertThat(tags.path("tags").path("room").toString()).isEqualTo("[\"a\",\"b\"]");
        assertThat(fetch("/api/v1/metrics/room_temperature?edge=elsewhere").statusCode())
                .isEqualTo(404);
        HttpResponse<String> invalid = fetch("/api/v1/metrics/room-temperature");
        assertThat(invalid.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(invalid.body()).path("error").asText()).contains("ask for 'room_temperature'");
        HttpResponse<String> limit = fetch("/api/v1/metrics?limit=0");
        assertThat(limit.statusCode()).isEqualTo(400);
        assertThat(JSON.readTree(limit.body()).path("error").asText()).contains("'limit'", "1 to 10000");
    }

    @Test
    void theDashboardIsServedFromTheJarAndNothingElseIs() throws Exception {
        HttpResponse<String> page = fetch("/");
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.headers().firstValue("Content-Type"))
                .hasValueSatisfying(t -> assertThat(t).startsWith("text/html"));
        assertThat(page.headers().firstValue("Content-Security-Policy"))
                .hasValue(DashboardController.CONTENT_SECURITY_POLICY);
        assertThat(page.body()).contains("/ui/app.js", "/ui/uplot.js");
        for (String asset : List.of("app.js", "app.css", "uplot.js", "uplot.css")) {
            assertThat(fetch("/ui/" + asset).statusCode()).as(asset).isEqualTo(200);
        }
        assertThat(fetch("/ui/uplot.js").body()).contains("uPlot");
        assertThat(fetch("/ui/..%2Fapplication.yml").statusCode()).isEqualTo(404);
        assertThat(fetch("/ui/index.html").statusCode()).isEqualTo(404);
    }
}
