package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edge restart storm: five kill -9 and restarts in a row while the edge holds a backlog (NATS down for the first
 * ones, forwarding in full swing for the last ones). Nothing is stored twice, nothing is lost, and the batch
 * numbering has no hole.
 */
class EdgeRestartStormDrillTest {
    private static final String EDGE = "storm-edge";
    private static final int PER_REQUEST = 200;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @AfterEach
    void restartNats() {
        NATS.node(0).start();
    }

    @Test
    void killsDuringBacklogStoreNothingTwice() throws Exception {
        HubProcess central = hubs.central("main", "");
        HubProcess edge = hubs.edge(EDGE, "collect:\n  enabled: false\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("storm");
        int requests = 0;

        NATS.node(0).stop();
        for (int kill = 1; kill <= 5; kill++) {
            for (int i = 0; i < 20; i++, requests++) {
                assertThat(writer.write(edge.url(), PER_REQUEST)).isTrue();
            }
            if (kill == 3) {
                NATS.node(0).start();
            }
            edge.kill9();
            edge.start();
        }

        await("the backlog drained exactly once")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.edge(EDGE).path("pointsStored").asLong() >= writer.accepted());
        assertThat(api.values(writer.metric(), EDGE))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.edge(EDGE).path("lastSeq").asLong())
                .as("numbering without holes")
                .isEqualTo(requests);
        assertThat(api.edge(EDGE).path("highestSeq").asLong()).isEqualTo(requests);
    }

    @Test
    void aWipedDataDirectoryStartsANewIncarnationAndLosesNothing() throws Exception {
        HubProcess central = hubs.central("main", "");
        HubProcess edge = hubs.edge("rebuilt-edge", "collect:\n  enabled: false\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("rebuilt");
        for (int i = 0; i < 10; i++) {
            assertThat(writer.write(edge.url(), PER_REQUEST)).isTrue();
        }
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.edge("rebuilt-edge").path("pointsStored").asLong() == writer.accepted());
        String first = api.edge("rebuilt-edge").path("incarnation").asText();

        edge.stop();
        NatsFixture.deleteTree(hubs.dir().resolve("rebuilt-edge"));
        edge.start();
        for (int i = 0; i < 10; i++) {
            assertThat(writer.write(edge.url(), PER_REQUEST)).isTrue();
        }
        await("the rebuilt edge's batches, numbered from 1 again, are stored")
                .atMost(Duration.ofSeconds(60))
                .until(() -> api.edge("rebuilt-edge").path("pointsStored").asLong() >= writer.accepted());
        assertThat(api.values(writer.metric(), "rebuilt-edge"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.edge("rebuilt-edge").path("incarnation").asText()).isNotEqualTo(first);
        assertThat(api.edge("rebuilt-edge").path("lastSeq").asLong()).isEqualTo(10);
    }
}
