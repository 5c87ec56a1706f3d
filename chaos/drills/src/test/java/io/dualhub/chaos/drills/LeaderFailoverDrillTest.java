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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CentralHub pair under load: kill -9 of the leader; the standby takes the lease (the time is printed, not
 * asserted) and, having consumed everything into its own store all along, holds every accepted point exactly once.
 */
class LeaderFailoverDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void theStandbyTakesOverAndHoldsEverything() throws Exception {
        HubProcess c1 = hubs.central("c1", "");
        await("c1 leads").atMost(Duration.ofSeconds(20)).until(() -> isLeader(c1));
        HubProcess c2 = hubs.central("c2", "");
        await("c2 sees c1 lead")
                .atMost(Duration.ofSeconds(20))
                .until(() -> new CentralClient(c2.url())
                        .get("/api/v1/leader")
                        .path("leader")
                        .asText()
                        .equals("c1"));
        assertThat(isLeader(c2)).isFalse();
        JsonNode pair = new CentralClient(c2.url()).get("/api/v1/hubs");
        assertThat(pair.toString())
                .as("the leader and the standby, from their consumers")
                .contains("{\"instance\":\"c1\",\"leader\":true,\"self\":false")
                .contains("{\"instance\":\"c2\",\"leader\":false,\"self\":true");

        HubProcess edge = hubs.edge("pair-edge", "collect:\n  enabled: false\n");
        SequencedWriter writer = new SequencedWriter("pair");
        for (int i = 0; i < 20; i++) {
            assertThat(writer.write(edge.url(), 500)).isTrue();
        }
        long killedAt = System.nanoTime();
        c1.kill9();
        for (int i = 0; i < 20; i++) {
            assertThat(writer.write(edge.url(), 500)).isTrue();
        }
        await("c2 leads")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> isLeader(c2));
        System.out.printf(
                "leader CentralHub kill -9 -> standby leads: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);

        CentralClient api = new CentralClient(c2.url());
        await().atMost(Duration.ofSeconds(60))
                .until(() -> api.edge("pair-edge").path("pointsStored").asLong() >= writer.accepted());
        assertThat(api.values(writer.metric(), "pair-edge"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
    }

    private static boolean isLeader(HubProcess central) throws Exception {
        return new CentralClient(central.url())
                .get("/api/v1/leader")
                .path("isLeader")
                .asBoolean();
    }
}
