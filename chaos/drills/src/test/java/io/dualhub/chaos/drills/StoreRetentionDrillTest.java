package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real CentralHub with short bounds: its raw points expire while the 1-minute rollups go on answering for their
 * range with the same averages, and under a load that would outgrow {@code store.max-disk} the store deletes its
 * oldest data, audits it, and stays inside the budget while it keeps acknowledging.
 */
class StoreRetentionDrillTest {
    private static final String EDGE_YAML = "collect:\n  enabled: false\n";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void rawPointsExpireAndTheRollupsAnswerForTheirRange() throws Exception {
        HubProcess central = hubs.central("main", "store:\n  retention: 5s\n  maintenance-interval: 1s\n");
        HubProcess edge = hubs.edge("retained", EDGE_YAML);
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("retained");
        for (int i = 0; i < 10; i++) {
            assertThat(writer.write(edge.url(), 1_000)).isTrue();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> api.pointsStored() == writer.accepted());
        Map<Long, double[]> expected = minuteAverages(api.get(query(0)));

        await("raw points past store.retention")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1))
                .until(() ->
                        api.get(query(0)).path("series").path(0).path("points").isEmpty());
        JsonNode rollup = api.get(query(60_000));
        assertThat(rollup.path("tier").asText()).isEqualTo("1m");
        Map<Long, Double> answered = new TreeMap<>();
        rollup.path("series")
                .path(0)
                .path("points")
                .forEach(p -> answered.put(p.get(0).asLong(), p.get(1).asDouble()));
        assertThat(answered.keySet()).isEqualTo(expected.keySet());
        expected.forEach((minute, sum) -> assertThat(answered.get(minute)).isEqualTo(sum[0] / sum[1]));
        assertThat(api.get(query(0)).path("tier").asText()).isEqualTo("raw");
    }

    @Test
    void aStoreUnderLoadStaysInsideItsDiskBudget() throws Exception {
        HubProcess central = hubs.central("main", "store:\n  max-disk: 64MiB\n  maintenance-interval: 1s\n");
        HubProcess edge = hubs.edge("loaded", EDGE_YAML);
        CentralClient api = new CentralClient(central.url());
        LineLoad load = new LineLoad(edge.url(), "loaded");
        long budget = 64L << 20;
        long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
        long written = 0;
        while (api.meter("dualhub_central_store_rows_evicted_total") == 0 && System.nanoTime() < deadline) {
            load.burst(200_000, 2, 5_000);
            written += 200_000;
        }
        for (int i = 0; i < 5; i++) {
            load.burst(200_000, 2, 5_000); // going on past the budget
            written += 200_000;
        }
        await("the last load stored")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofSeconds(1))
                .until(() -> api.edge("loaded").path("backlog").asLong() == 0
                        && api.meter("dualhub_central_store_used_bytes") <= budget);

        assertThat(api.meter("dualhub_central_store_rows_evicted_total"))
                .as("the oldest data went, not all of it")
                .isPositive()
                .isLessThan(written);
        assertThat(api.get("/api/v1/recovery").findValuesAsText("playbook")).contains("disk-budget");
        assertThat(api.edge("loaded").path("batchesInvalid").asLong())
                .as("nothing refused")
                .isZero();
        long file = Files.size(hubs.dir().resolve("main").resolve("metrics.duckdb"));
        // The budget bounds the data; the file holds a checkpoint's working room beside it (docs/architecture.md).
        assertThat(file).as("the store's file").isLessThanOrEqualTo(budget * 5 / 4);
        System.out.printf(
                "store under load: file %d bytes, budget %d bytes, used %.0f bytes, %.0f rows evicted%n",
                file,
                budget,
                api.meter("dualhub_central_store_used_bytes"),
                api.meter("dualhub_central_store_rows_evicted_total"));
        for (JsonNode a : api.get("/api/v1/recovery")) {
            System.out.println("  " + a.path("what").asText() + " / "
                    + a.path("why").asText() + " / " + a.path("outcome").asText());
        }
    }

    private static String query(long stepMs) {
        return "/api/v1/query?metric=retained_n&from=0" + (stepMs > 0 ? "&step=" + stepMs / 1000 + "s" : "");
    }

    /** Per minute bucket of the raw answer: the sum of its values and their count. */
    private static Map<Long, double[]> minuteAverages(JsonNode raw) {
        Map<Long, double[]> sums = new TreeMap<>();
        raw.path("series").path(0).path("points").forEach(p -> {
            double[] s = sums.computeIfAbsent(p.get(0).asLong() / 60_000 * 60_000, k -> new double[2]);
            s[0] += p.get(1).asDouble();
            s[1]++;
        });
        return sums;
    }
}
