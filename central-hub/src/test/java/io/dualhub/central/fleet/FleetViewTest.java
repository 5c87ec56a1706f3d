package io.dualhub.central.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.Partition;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The heartbeat cache: the server's order decides which heartbeat is an edge's latest, a heartbeat counts only for
 * the edge of its subject, invalid ones are refused.
 */
class FleetViewTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<RecoveryAction> audit = new ArrayList<>();
    private final FleetView fleet =
            new FleetView(new Rejections("t", meters, audit::add, clock, System::nanoTime), clock, Partition.WHOLE);

    private void beat(String subjectEdge, String claimedEdge, long sentAtMs) {
        beat(fleet, subjectEdge, claimedEdge, sentAtMs);
    }

    private static void beat(FleetView fleet, String subjectEdge, String claimedEdge, long sentAtMs) {
        Heartbeat hb = new Heartbeat(claimedEdge, "dev", sentAtMs, 0, 10, 10, "host", "a1", "CLOSED", 0, "Linux", null);
        fleet.onHeartbeat(NatsMessage.builder()
                .subject("dualhub.events." + subjectEdge + ".heartbeat")
                .data(EventCodec.encode(hb))
                .build());
    }

    private double rejected(String reason) {
        return meters.counter("dualhub.central.messages.rejected", "reason", reason)
                .count();
    }

    @Test
    void aGroupSeesOnlyItsOwnEdgesAndLeavesTheOthersBadHeartbeatsToTheirGroup() {
        Rejections rejections = new Rejections("t", meters, audit::add, clock, System::nanoTime);
        FleetView group = new FleetView(rejections, clock, new Partition(2, Partition.of("web-3", 2)));
        String other = Partition.of("web-4", 2) == Partition.of("web-3", 2) ? "web-5" : "web-4";
        beat(group, "web-3", "web-3", clock.millis());
        beat(group, other, other, clock.millis());
        beat(group, other, "web-3", clock.millis());
        assertThat(group.all()).containsOnlyKeys("web-3");
        assertThat(group.owns(other)).isFalse();
        assertThat(audit).as("another group's edge is not refused here").isEmpty();
    }

    @Test
    void anEdgeWhoseClockStepsBackAnHourIsStillSeen() {
        long t = clock.millis();
        beat("web-3", "web-3", t);
        clock.advance(Duration.ofSeconds(5));
        beat("web-3", "web-3", t + 5_000 - 3_600_000);
        assertThat(fleet.seen("web-3").receivedAtMs())
                .as("the later heartbeat counts")
                .isEqualTo(t + 5_000);
    }

    @Test
    void aHeartbeatFromTheFarFutureDoesNotPinTheEdge() {
        beat("web-3", "web-3", Long.MAX_VALUE);
        clock.advance(Duration.ofSeconds(5));
        beat("web-3", "web-3", clock.millis());
        assertThat(fleet.seen("web-3").heartbeat().sentAtMs()).isEqualTo(clock.millis());
    }

    @Test
    void aHeartbeatEarlierInTheStreamDoesNotReplaceALaterOne() {
        Heartbeat hb = new Heartbeat("web-3", "dev", 0, 0, 10, 10, "host", "a1", "CLOSED", 0, "Linux", null);
        FleetView.Seen first = new FleetView.Seen(hb, 2_000, 7);
        FleetView.Seen second = new FleetView.Seen(hb, 1_000, 8); // another server's clock, later in the stream
        assertThat(FleetView.later(first, second)).isSameAs(second);
        assertThat(FleetView.later(second, first)).isSameAs(second);
    }

    @Test
    void aHeartbeatNamingAnotherEdgeThanItsSubjectIsRefused() {
        beat("web-3", "web-3", 1_000);
        beat("intruder", "web-3", Long.MAX_VALUE);
        beat("intruder", "ghost", 1_000);
        assertThat(fleet.all()).containsOnlyKeys("web-3");
        assertThat(fleet.seen("web-3").heartbeat().sentAtMs()).isEqualTo(1_000);
        assertThat(rejected("edge-mismatch")).isEqualTo(2);
        assertThat(audit)
                .as("audited, the first of an edge and reason at once")
                .singleElement()
                .satisfies(a -> assertThat(a.edge()).isEqualTo("intruder"));
    }

    @Test
    void anInvalidHeartbeatIsRefused() {
        fleet.onHeartbeat(NatsMessage.builder()
                .subject("dualhub.events.x.heartbeat")
                .data("{not json".getBytes())
                .build());
        assertThat(fleet.all()).isEmpty();
        assertThat(rejected("malformed")).isEqualTo(1);
    }
}
