package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.AlertmanagerProcess;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.WebhookReceiver;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An anomaly's alert through the whole chain, with real processes: an edge's spiked series stored by a CentralHub
 * pair while Alertmanager hangs (SIGSTOP: the delivery fails, is retried, and holds nothing up), the leader posting
 * to the real Alertmanager once it answers (asked with {@code amtool}) and to a webhook, Alertmanager's own
 * webhook receiver delivering the notification to a test endpoint; kill -9 of the leader, and the new leader sending
 * what fires; then the series calms down and the alert is resolved everywhere.
 */
class AlertmanagerDrillTest {
    private static final Duration PATIENCE = Duration.ofSeconds(60);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void anAnomalyReachesAlertmanagerAndAWebhookFromTheLeaderAndIsResolvedThere() throws Exception {
        Assumptions.assumeTrue(
                AlertmanagerProcess.missing().isEmpty(),
                AlertmanagerProcess.missing().orElse(""));
        try (WebhookReceiver receiver = WebhookReceiver.start();
                AlertmanagerProcess am = AlertmanagerProcess.start(hubs.dir().resolve("am"), receiver.url("/am"))) {
            List<HubProcess> pair = hubs.leaderAndStandby("alerting:\n  alertmanager:\n    urls: " + am.url()
                    + "\n  webhook:\n    urls: " + receiver.url("/dualhub")
                    + "\n  resend-interval: 2s\n  timeout: 2s\n");
            HubProcess edge = hubs.edge("api-edge", "collect:\n  enabled: false\n");
            CentralClient leader = new CentralClient(pair.get(0).url());

            am.pause(); // a hung Alertmanager: the points are stored and scored, the delivery retried
            ShapedSeries.write(edge.url(), ShapedSeries.spikedLatency());
            await("the incident found and stored while Alertmanager hangs")
                    .atMost(PATIENCE)
                    .until(() -> leader.get("/api/v1/anomalies?edge=api-edge").size() == 1
                            && leader.get("/api/v1/alerting")
                                    .get(0)
                                    .path("state")
                                    .asText()
                                    .equals("failing"));
            assertThat(leader.values("latency_ms", "api-edge")).hasSize(400);
            assertThat(leader.get("/api/v1/alerting").get(0).path("lastError").asText())
                    .containsIgnoringCase("timed out");
            am.resume();

            await("Alertmanager holds the anomaly").atMost(PATIENCE).until(() -> anomaly(am) != null);
            JsonNode alert = anomaly(am);
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("warning");
            assertThat(alert.path("labels").path("edge").asText()).isEqualTo("api-edge");
            assertThat(alert.path("labels").path("metric").asText()).isEqualTo("latency_ms");
            assertThat(alert.path("labels").path("svc").asText()).isEqualTo("api");
            assertThat(alert.path("annotations").path("summary").asText())
                    .contains("latency_ms{svc=api} on edge api-edge is anomalous");
            assertThat(alert.path("annotations").path("dashboard").asText())
                    .isEqualTo(pair.get(0).url() + "/#/edge/api-edge");
            assertThat(Instant.parse(alert.path("startsAt").asText()))
                    .isEqualTo(Instant.ofEpochMilli(ShapedSeries.T0 + ShapedSeries.SPIKE * 1000L));
            await("Alertmanager's webhook notified").atMost(PATIENCE).until(() -> notified(receiver, "/am", "firing"));
            await("dualhub's webhook notified, by the leader only")
                    .atMost(PATIENCE)
                    .until(() -> receiver.at("/dualhub").size() == 1);
            await().during(Duration.ofSeconds(3))
                    .until(() -> receiver.at("/dualhub").size() == 1);
            assertThat(receiver.at("/dualhub").get(0).path("status").asText()).isEqualTo("firing");

            Instant endsAtBefore = Instant.parse(anomaly(am).path("endsAt").asText());
            pair.get(0).kill9();
            await("the new leader sends what fires")
                    .atMost(PATIENCE)
                    .until(() ->
                            Instant.parse(anomaly(am).path("endsAt").asText()).isAfter(endsAtBefore)
                                    && receiver.at("/dualhub").size() == 2);
            assertThat(receiver.at("/dualhub").get(1).path("status").asText()).isEqualTo("firing");

            ShapedSeries.write(edge.url(), ShapedSeries.calmAfterSpike());
            await("resolved in Alertmanager").atMost(PATIENCE).until(() -> anomaly(am) == null);
            await("the resolution notified through Alertmanager's webhook and dualhub's")
                    .atMost(PATIENCE)
                    .until(() -> notified(receiver, "/am", "resolved") && notified(receiver, "/dualhub", "resolved"));
        }
    }

    /** The DualhubAnomaly alert Alertmanager holds as active, or null. */
    private static JsonNode anomaly(AlertmanagerProcess am) throws IOException, InterruptedException {
        for (JsonNode alert : am.query()) {
            if (alert.path("labels").path("alertname").asText().equals("DualhubAnomaly")) {
                return alert;
            }
        }
        return null;
    }

    private static boolean notified(WebhookReceiver receiver, String path, String status) {
        return receiver.at(path).stream()
                .anyMatch(d -> d.path("status").asText().equals(status)
                        && d.path("alerts")
                                .path(0)
                                .path("labels")
                                .path("alertname")
                                .asText()
                                .equals("DualhubAnomaly"));
    }
}
