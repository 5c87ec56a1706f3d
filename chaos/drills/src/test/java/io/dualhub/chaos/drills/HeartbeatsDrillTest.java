package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Heartbeats reach the CentralHub whatever starts first: the hub, the edge, or both before NATS (each of them then
 * connects on a retry, which jnats reports as a reconnect). Every round starts from empty streams; the edge must be
 * ONLINE within three heartbeats of the last part coming up, and stores what it was given. Then a hub restarted
 * while its edge runs finds it ONLINE again within three heartbeats and never calls it OFFLINE. Rounds: the system
 * property {@code dualhub.drill.rounds} (2 in the test suite; the proof ran 20).
 */
class HeartbeatsDrillTest {
    private static final int ROUNDS = Integer.getInteger("dualhub.drill.rounds", 2);
    private static final Duration HEARTBEAT = Duration.ofSeconds(1);
    /** Three heartbeats, and the lifecycle check that turns the first one into ONLINE. */
    private static final Duration WITHIN_THREE = HEARTBEAT.multipliedBy(3).plusSeconds(2);

    private static final String HUB = "fleet:\n  heartbeat-interval: 1s\n";
    private static final String EDGE = "heartbeat:\n  interval: 1s\ncollect:\n  enabled: false\n";

    private enum Order {
        HUB_FIRST,
        EDGE_FIRST,
        BOTH_BEFORE_NATS
    }

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    /** A round that failed while NATS was stopped leaves it running for what comes next. */
    @AfterEach
    void natsRunning() {
        NATS.node(0).start();
    }

    @BeforeEach
    void emptyStreams() throws Exception {
        try (Connection c = Nats.connect(NATS.urls())) {
            NatsFixture.deleteStreams(c);
        }
    }

    @Test
    void anEdgeIsOnlineWithinThreeHeartbeatsWhateverStartsFirst() throws Exception {
        for (int round = 0; round < ROUNDS; round++) {
            for (Order order : Order.values()) {
                String edgeId = "hb-" + round + "-" + order.ordinal();
                if (order == Order.BOTH_BEFORE_NATS) {
                    NATS.node(0).stop();
                }
                HubProcess hub = null;
                HubProcess edge;
                if (order == Order.EDGE_FIRST) {
                    edge = hubs.edge(edgeId, EDGE);
                } else {
                    hub = hubs.central("c-" + edgeId, HUB);
                    edge = hubs.edge(edgeId, EDGE);
                }
                if (hub == null) {
                    hub = hubs.central("c-" + edgeId, HUB);
                }
                if (order == Order.BOTH_BEFORE_NATS) {
                    NATS.node(0).start();
                }
                CentralClient api = new CentralClient(hub.url());
                await(order + ", round " + round + ": " + edgeId + " ONLINE")
                        .atMost(WITHIN_THREE.plusSeconds(order == Order.BOTH_BEFORE_NATS ? 2 : 0))
                        .pollInterval(Duration.ofMillis(100))
                        .ignoreExceptions()
                        .until(() ->
                                "ONLINE".equals(api.edge(edgeId).path("state").asText()));
                SequencedWriter writer = new SequencedWriter("hb");
                assertThat(writer.write(edge.url(), 20)).isTrue();
                assertThat(api.awaitStored(writer, edgeId)).hasSize(20).doesNotHaveDuplicates();
                edge.stop();
                hub.stop();
                emptyStreams();
            }
        }
    }

    @Test
    void aHubRestartedWhileItsEdgeRunsFindsItOnlineAndNeverOffline() throws Exception {
        HubProcess hub = hubs.central("restarted", HUB);
        hubs.edge("steady", EDGE);
        CentralClient api = new CentralClient(hub.url());
        await("steady ONLINE")
                .atMost(WITHIN_THREE)
                .ignoreExceptions()
                .until(() -> "ONLINE".equals(api.edge("steady").path("state").asText()));
        for (int round = 0; round < ROUNDS; round++) {
            hub.stop();
            hub.start();
            await("round " + round + ": ONLINE after the restart")
                    .atMost(WITHIN_THREE)
                    .ignoreExceptions()
                    .until(() ->
                            "ONLINE".equals(api.edge("steady").path("state").asText()));
            await("round " + round + ": stays ONLINE")
                    .during(HEARTBEAT.multipliedBy(4))
                    .atMost(HEARTBEAT.multipliedBy(6))
                    .ignoreExceptions()
                    .until(() ->
                            "ONLINE".equals(api.edge("steady").path("state").asText()));
        }
        assertThat(api.get("/api/v1/edges/steady").path("transitions").toString())
                .doesNotContain("OFFLINE");
    }
}
