package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.Subjects;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.MetricsStreams;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edge's life as a CentralHub pair sees it, each transition caused for real: it starts (ONLINE); both metrics
 * streams stop taking messages (DEGRADED: its forwarding stalls while its heartbeats still arrive); they take them
 * again (ONLINE); the edge is killed (OFFLINE, an alert); it is decommissioned (DECOMMISSIONED, alert resolved).
 * Every transition is one event on {@code dualhub.lifecycle.<edge>}, and the standby, reading the registry
 * in KV {@code dualhub_fleet}, shows the same state at every step.
 */
class LifecycleDrillTest {
    private static final String FAST = "fleet:\n  heartbeat-interval: 1s\n  degraded-lag: 2s\n";
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void eachTransitionIsCausedSeenByBothHubsAndPublishedOnce() throws Exception {
        List<HubProcess> pair = hubs.leaderAndStandby(FAST);
        CentralClient leader = new CentralClient(pair.get(0).url());
        CentralClient standby = new CentralClient(pair.get(1).url());
        List<JsonNode> events = new CopyOnWriteArrayList<>();
        try (Connection nats = Nats.connect(NATS.urls())) {
            nats.createDispatcher(m -> events.add(read(m.getData()))).subscribe(Subjects.LIFECYCLE_WILDCARD);
            nats.flush(Duration.ofSeconds(5));
            HubProcess edge = hubs.edge("life-1", "heartbeat:\n  interval: 1s\ncollect:\n  enabled: false\n");
            awaitState("ONLINE", leader, standby);
            JsonNode detail = leader.get("/api/v1/edges/life-1");
            assertThat(detail.path("version").asText()).isNotEmpty();
            assertThat(detail.path("os").asText()).isNotEmpty();

            JetStreamManagement jsm = nats.jetStreamManagement();
            SequencedWriter writer = new SequencedWriter("life");
            assertThat(writer.write(edge.url(), 100)).isTrue();
            await("the first batch forwarded")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> edge.edgeStatus().path("backlog").asLong() == 0);
            MetricsStreams.refuseNew(jsm);
            for (int i = 0; i < 3; i++) { // more batches than an empty stream's one-message room
                assertThat(writer.write(edge.url(), 100)).isTrue();
            }
            awaitState("DEGRADED", leader, standby);
            assertThat(leader.get("/api/v1/edges/life-1").path("stateReason").asText())
                    .containsAnyOf("forwarding stalled", "circuit breaker OPEN");

            MetricsStreams.acceptAgain(jsm);
            awaitState("ONLINE", leader, standby);

            edge.kill9();
            awaitState("OFFLINE", leader, standby);
            await("the OFFLINE alert")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> standby.get("/api/v1/alerts").toString().contains("edge life-1 is OFFLINE"));

            HttpResponse<String> decommissioned = standby.post("/api/v1/edges/life-1/decommission");
            assertThat(decommissioned.statusCode()).as(decommissioned.body()).isEqualTo(200);
            awaitState("DECOMMISSIONED", leader, standby);
            await("the alert resolved")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !leader.get("/api/v1/alerts").toString().contains("life-1"));
            assertThat(leader.get("/api/v1/edges/life-1").path("transitions")).hasSize(5);
        }
        await("five events").atMost(Duration.ofSeconds(5)).until(() -> events.size() >= 5);
        assertThat(events)
                .extracting(e -> e.path("from").asText("") + ">" + e.path("to").asText())
                .containsExactly(
                        ">ONLINE", "ONLINE>DEGRADED", "DEGRADED>ONLINE", "ONLINE>OFFLINE", "OFFLINE>DECOMMISSIONED");
        assertThat(events.get(4).path("by").asText()).isEqualTo("c2");
    }

    @Test
    void aRunningEdgeCannotBeDecommissioned() throws Exception {
        CentralClient central = new CentralClient(hubs.central("c3", FAST).url());
        hubs.edge("life-2", "heartbeat:\n  interval: 1s\ncollect:\n  enabled: false\n");
        awaitState("ONLINE", central, central, "life-2");
        HttpResponse<String> refused = central.post("/api/v1/edges/life-2/decommission");
        assertThat(refused.statusCode()).isEqualTo(409);
        assertThat(refused.body()).contains("still sends heartbeats", "stop its agent first");
        assertThat(central.post("/api/v1/edges/nobody/decommission").statusCode())
                .isEqualTo(404);
    }

    private static void awaitState(String state, CentralClient a, CentralClient b) {
        awaitState(state, a, b, "life-1");
    }

    private static void awaitState(String state, CentralClient a, CentralClient b, String edge) {
        await(edge + " " + state + " at both hubs")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .pollInterval(Duration.ofMillis(200))
                .until(() -> a.get("/api/v1/edges/" + edge)
                                .path("state")
                                .asText()
                                .equals(state)
                        && b.get("/api/v1/edges/" + edge).path("state").asText().equals(state));
    }

    private static JsonNode read(byte[] data) {
        try {
            return JSON.readTree(data);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
