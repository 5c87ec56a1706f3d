package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data path's guarantee under crashes: 100k points written through the edge's HTTP API while the CentralHub
 * is killed (kill -9) and restarted, the edge is killed right after a write returned and restarted on the same
 * data directory, and nats-server is killed and restarted on its store. Then: stored == accepted, every point
 * exactly once, and the edge's batch numbering continued without a hole or a restart from 1.
 */
class ExactlyOnceDrillTest {
    private static final int POINTS = 100_000;
    private static final int PER_REQUEST = 500;
    private static final int REQUESTS = POINTS / PER_REQUEST;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void everyAcceptedPointIsStoredExactlyOnceThroughCrashesOfEveryPart() throws Exception {
        HubProcess central = hubs.central("drill", "");
        HubProcess edge = hubs.edge("drill-edge", "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n");
        SequencedWriter writer = new SequencedWriter("drill");

        for (int request = 1; request <= REQUESTS; request++) {
            assertThat(writer.write(edge.url(), PER_REQUEST))
                    .as("write %d accepted", request)
                    .isTrue();
            switch (request) {
                case 40 -> central.kill9();
                case 70 -> central.start();
                case 100 -> {
                    edge.kill9();
                    edge.start();
                }
                case 140 -> NATS.node(0).restart();
                default -> {}
            }
        }

        CentralClient api = new CentralClient(central.url());
        await("all accepted points stored")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.pointsStored() >= writer.accepted());
        List<Long> values = api.values(writer.metric());
        Set<Long> distinct = new HashSet<>(values);

        assertThat(writer.accepted()).isEqualTo(POINTS);
        assertThat(values).as("stored points").hasSize(POINTS);
        assertThat(distinct)
                .as("distinct stored points (duplicates = stored - distinct)")
                .hasSize(POINTS);
        assertThat(distinct).allMatch(v -> v >= 0 && v < POINTS);
        JsonNode fleet = api.edge("drill-edge");
        assertThat(fleet.path("lastSeq").asLong())
                .as("contiguous batch sequence: numbering continued")
                .isEqualTo(REQUESTS);
        assertThat(fleet.path("highestSeq").asLong()).isEqualTo(REQUESTS);
    }
}
