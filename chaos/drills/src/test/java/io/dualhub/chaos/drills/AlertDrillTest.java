package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An anomaly through the real path: an edge's series with a spike is stored by a CentralHub pair, both find the
 * incident and show the alert, and exactly one alert message reaches {@code dualhub.alerts.warning} — the leader's.
 */
class AlertDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void bothHubsSeeTheIncidentAndOnlyTheLeaderPublishesIt() throws Exception {
        List<HubProcess> pair = hubs.leaderAndStandby("");
        HubProcess edge = hubs.edge("api-edge", "collect:\n  enabled: false\n");
        List<String> alerts = new CopyOnWriteArrayList<>();
        try (Connection nats = Nats.connect(NATS.urls())) {
            Dispatcher listener = nats.createDispatcher(
                    m -> alerts.add(m.getSubject() + " " + new String(m.getData(), StandardCharsets.UTF_8)));
            listener.subscribe("dualhub.alerts.>");
            nats.flush(Duration.ofSeconds(5));

            ShapedSeries.write(edge.url(), ShapedSeries.spikedLatency());

            for (HubProcess central : pair) {
                CentralClient api = new CentralClient(central.url());
                await(central.name() + " finds the incident")
                        .atMost(Duration.ofSeconds(60))
                        .ignoreExceptions()
                        .until(() -> api.get("/api/v1/anomalies?edge=api-edge").size() == 1);
                JsonNode anomaly = api.get("/api/v1/anomalies?edge=api-edge").get(0);
                assertThat(anomaly.path("metric").asText()).isEqualTo("latency_ms");
                assertThat(anomaly.path("startedMs").asLong()).isEqualTo(ShapedSeries.T0 + ShapedSeries.SPIKE * 1000L);
                assertThat(api.get("/api/v1/alerts").get(0).path("summary").asText())
                        .contains("latency_ms{svc=api} on edge api-edge is anomalous");
            }
            await("the leader's alert").atMost(Duration.ofSeconds(10)).until(() -> !alerts.isEmpty());
            await("no second message")
                    .during(Duration.ofSeconds(2))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> alerts.size() == 1);
            assertThat(alerts.get(0)).startsWith("dualhub.alerts.warning ").contains("\"state\":\"firing\"");
        }
    }
}
