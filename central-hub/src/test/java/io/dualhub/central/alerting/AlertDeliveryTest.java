package io.dualhub.central.alerting;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The delivery step driven by hand: a test clock, a poster that records (and fails when told), a leader flag. */
class AlertDeliveryTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final URI AM = URI.create("http://am.test:9093");
    private static final URI HOOK = URI.create("http://hook.test/notify");
    private static final Duration RESEND = Duration.ofMinutes(1);

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-03T10:00:00Z"));
    private final AtomicBoolean leader = new AtomicBoolean(true);
    private final AtomicBoolean failing = new AtomicBoolean();
    private final List<Sent> sent = new ArrayList<>();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AlertDelivery delivery = delivery(1000);

    private record Sent(URI url, JsonNode body) {}

    private AlertDelivery delivery(int maxPending) {
        return new AlertDelivery(
                AlertingSettings.custom()
                        .alertmanagers(List.of(AM))
                        .webhooks(List.of(HOOK))
                        .resendInterval(RESEND)
                        .timeout(Duration.ofSeconds(5))
                        .webhookMaxPending(maxPending)
                        .externalUrl(URI.create("https://hub.example:8470/"))
                        .build(),
                leader::get,
                (url, json) -> {
                    if (failing.get()) {
                        throw new IOException("HTTP 503: down for the test");
                    }
                    sent.add(new Sent(url, JSON.readTree(json)));
                },
                clock,
                meters);
    }

    @Test
    void theLeaderSendsTheFiringSetWithItsLabelsAndResendsItEveryInterval() throws Exception {
        fire(anomaly("web-3"));
        delivery.runOnce();
        JsonNode set = lastTo(AM.resolve("/api/v2/alerts"));
        assertThat(set).hasSize(1);
        JsonNode alert = set.get(0);
        assertThat(alert.path("labels").path("alertname").asText()).isEqualTo("DualhubAnomaly");
        assertThat(alert.path("labels").path("severity").asText()).isEqualTo("warning");
        assertThat(alert.path("labels").path("edge").asText()).isEqualTo("web-3");
        assertThat(alert.path("labels").path("metric").asText()).isEqualTo("latency_ms");
        assertThat(alert.path("labels").path("svc").asText()).isEqualTo("api");
        assertThat(alert.path("labels").path("severity").asText())
                .as("a tag never replaces a label")
                .isNotEqualTo("x");
        assertThat(alert.path("annotations").path("summary").asText()).isEqualTo("latency_ms on web-3 is anomalous");
        assertThat(alert.path("annotations").path("dashboard").asText())
                .isEqualTo("https://hub.example:8470/#/edge/web-3");
        assertThat(alert.path("startsAt").asText()).isEqualTo("2026-12-03T09:59:00Z");
        assertThat(Instant.parse(alert.path("endsAt").asText()))
                .isEqualTo(clock.instant().plus(RESEND.multipliedBy(4)));

        int before = sent.size();
        clock.advance(RESEND.minusSeconds(1));
        delivery.runOnce();
        assertThat(sent).as("nothing new before the resend interval").hasSize(before);
        clock.advance(Duration.ofSeconds(1));
        delivery.runOnce();
        assertThat(sent).hasSize(before + 1);
        assertThat(lastTo(AM.resolve("/api/v2/alerts")).get(0).path("endsAt").asText())
                .isEqualTo(clock.instant().plus(RESEND.multipliedBy(4)).toString());
    }

    @Test
    void aResolvedAlertIsSentAtOnceWithItsEndAndForFifteenMinutes() throws Exception {
        Alert alert = anomaly("web-3");
        fire(alert);
        delivery.runOnce();
        clock.advance(Duration.ofSeconds(20));
        delivery.accept(new AlertBoard.Change(alert, false));
        delivery.runOnce();
        JsonNode set = lastTo(AM.resolve("/api/v2/alerts"));
        assertThat(set.get(0).path("endsAt").asText()).isEqualTo(clock.instant().toString());
        JsonNode hook = lastTo(HOOK);
        assertThat(hook.path("status").asText()).isEqualTo("resolved");
        assertThat(hook.path("alerts").get(0).path("endsAt").asText())
                .isEqualTo(clock.instant().toString());

        clock.advance(AlertingSettings.RESOLVED_RETENTION.plusSeconds(1));
        delivery.runOnce();
        assertThat(lastTo(AM.resolve("/api/v2/alerts")))
                .as("forgotten after 15 minutes")
                .isEmpty();
    }

    @Test
    void aStandbySendsNothingAndSendsWhatFiresAtOnceWhenItBecomesLeader() throws Exception {
        leader.set(false);
        fire(anomaly("web-3"));
        fire(anomaly("web-4"));
        delivery.runOnce();
        clock.advance(RESEND.multipliedBy(3));
        delivery.runOnce();
        assertThat(sent).isEmpty();
        assertThat(delivery.status()).allSatisfy(s -> assertThat(s.pending()).isZero());

        leader.set(true);
        delivery.runOnce();
        assertThat(lastTo(AM.resolve("/api/v2/alerts"))).hasSize(2);
        assertThat(sent.stream()
                        .filter(s -> s.url().equals(HOOK))
                        .map(s -> s.body().path("status").asText()))
                .containsExactly("firing", "firing");
    }

    /** An alert about the hub itself (its store failing) is sent by that hub even as a standby; the fleet's are not. */
    @Test
    void aStandbySendsTheAlertsAboutItselfOnly() throws Exception {
        leader.set(false);
        fire(anomaly("web-3"));
        fire(Alert.ofHub("store:c2", "DualhubStoreFailing", "critical", "c2", "the store of c2 fails", clock.millis()));
        delivery.runOnce();
        assertThat(lastTo(AM.resolve("/api/v2/alerts")))
                .singleElement()
                .satisfies(
                        a -> assertThat(a.path("labels").path("hub").asText()).isEqualTo("c2"));
        assertThat(sent.stream().filter(s -> s.url().equals(HOOK)))
                .singleElement()
                .satisfies(s -> assertThat(
                                s.body().path("commonLabels").path("alertname").asText())
                        .isEqualTo("DualhubStoreFailing"));
    }

    @Test
    void aFailingTargetIsRetriedWithBackoffAndItsStateShown() throws Exception {
        failing.set(true);
        fire(anomaly("web-3"));
        delivery.runOnce();
        DeliveryTarget.DeliveryStatus am = delivery.status().get(0);
        assertThat(am.state()).isEqualTo("failing");
        assertThat(am.lastError()).isEqualTo("HTTP 503: down for the test");
        assertThat(delivery.status().get(1).pending()).isEqualTo(1);

        failing.set(false);
        delivery.runOnce();
        assertThat(sent).as("the backoff holds the next attempt").isEmpty();
        clock.advance(Duration.ofSeconds(1));
        delivery.runOnce();
        assertThat(sent).hasSize(2);
        assertThat(delivery.status()).allSatisfy(s -> {
            assertThat(s.state()).isEqualTo("ok");
            assertThat(s.delivered()).isEqualTo(1);
            assertThat(s.failures()).isEqualTo(1);
            assertThat(s.pending()).isZero();
        });
    }

    @Test
    void aWebhookGetsEveryChangeInOrderAndPastItsLimitTheOldestAreDroppedAndCounted() throws Exception {
        AlertDelivery small = delivery(2);
        failing.set(true);
        for (String edge : List.of("a", "b", "c")) {
            small.accept(new AlertBoard.Change(anomaly(edge), true));
        }
        small.runOnce();
        assertThat(small.status().get(1).pending()).isEqualTo(2);
        assertThat(meters.counter("dualhub.central.alerting.webhook.dropped").count())
                .isEqualTo(1);
        failing.set(false);
        clock.advance(DeliveryTarget.MAX_BACKOFF);
        small.runOnce();
        assertThat(sent.stream()
                        .filter(s -> s.url().equals(HOOK))
                        .map(s -> s.body().path("commonLabels").path("edge").asText()))
                .containsExactly("b", "c");
    }

    private void fire(Alert alert) {
        delivery.accept(new AlertBoard.Change(alert, true));
    }

    private Alert anomaly(String edge) {
        return new Alert(
                "anomaly:" + edge,
                "DualhubAnomaly",
                "warning",
                "anomaly",
                edge,
                "",
                "latency_ms",
                new TreeMap<>(Map.of("svc", "api", "severity", "x")),
                "latency_ms on " + edge + " is anomalous",
                clock.millis() - 60_000);
    }

    private JsonNode lastTo(URI url) {
        for (int i = sent.size() - 1; i >= 0; i--) {
            if (sent.get(i).url().equals(url)) {
                return sent.get(i).body();
            }
        }
        throw new AssertionError("nothing sent to " + url + " in " + sent);
    }
}
