package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Nats;
import io.nats.client.PublishOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A week of one metric (6,000,000 points, one every 100 ms) in a CentralHub running as the drills run it, with a
 * 256 MiB heap: an all-time query is a 422 saying what to narrow, a query of exactly query.max-points (1,000,000)
 * points is answered whole, and the hub stays healthy throughout.
 */
class QueryBoundsDrillTest {
    private static final int BATCHES = 600;
    private static final int POINTS_PER_BATCH = 10_000;
    private static final long START_MS = 1_795_000_000_000L;
    private static final long EVERY_MS = 100;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void aWeekOfOneMetricIsAnsweredWithinTheBoundOrRefusedAndTheHubStaysHealthy() throws Exception {
        HubProcess central = hubs.central("week", "analysis:\n  enabled: false\n");
        CentralClient api = new CentralClient(central.url());
        await("streams set up")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.health().path("ingest").asText().equals("RUNNING"));
        publishAWeek();
        await("6,000,000 points stored")
                .atMost(Duration.ofSeconds(180))
                .ignoreExceptions()
                .until(() -> api.pointsStored() == (long) BATCHES * POINTS_PER_BATCH);

        HttpResponse<String> allTime = get(central, "metric=week_load&from=0");
        assertThat(allTime.statusCode()).isEqualTo(422);
        assertThat(allTime.body()).contains("6000000 points", "query.max-points (1000000)");
        assertThat(central.isHealthy()).isTrue();

        long to = START_MS + (1_000_000 - 1) * EVERY_MS;
        HttpResponse<String> bounded = get(central, "metric=week_load&from=" + START_MS + "&to=" + to);
        assertThat(bounded.statusCode()).isEqualTo(200);
        JsonNode series = new ObjectMapper().readTree(bounded.body()).path("series");
        assertThat(series).hasSize(1);
        assertThat(series.get(0).path("points")).hasSize(1_000_000);
        assertThat(central.isHealthy())
                .as("still healthy after a million-point answer")
                .isTrue();
        assertThat(get(central, "metric=week_load&from=0&step=1h").statusCode()).isEqualTo(200);
    }

    /** 600 batches of 10,000 points of one series, published as edge "week" straight to its metrics subject. */
    private static void publishAWeek() throws Exception {
        SortedMap<String, String> tags = new TreeMap<>(Map.of("host", "db-1"));
        try (Connection c = Nats.connect(NATS.urls())) {
            JetStream js = c.jetStream();
            for (int b = 0; b < BATCHES; b++) {
                List<Point> points = new ArrayList<>(POINTS_PER_BATCH);
                for (int i = 0; i < POINTS_PER_BATCH; i++) {
                    long n = (long) b * POINTS_PER_BATCH + i;
                    points.add(new Point("week_load", tags, START_MS + n * EVERY_MS, n % 100));
                }
                js.publish(
                        Subjects.metrics("week"),
                        BatchCodec.encode(new Batch("week", "", b + 1, System.currentTimeMillis(), points)),
                        PublishOptions.builder()
                                .messageId("week-" + (b + 1))
                                .expectedStream(MetricsRoute.PRIMARY.stream())
                                .build());
            }
        }
    }

    private static HttpResponse<String> get(HubProcess central, String query) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(central.url() + "/api/v1/query?" + query))
                                .timeout(Duration.ofSeconds(60))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
