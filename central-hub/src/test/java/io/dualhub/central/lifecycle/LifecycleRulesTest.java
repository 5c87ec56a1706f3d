package io.dualhub.central.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.common.wire.Heartbeat;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** Each state and its reason from heartbeats, gaps and decommissioning, at chosen times. */
class LifecycleRulesTest {
    private static final long NOW = 1_000_000;
    private final LifecycleRules rules =
            new LifecycleRules(Duration.ofSeconds(15), 500, Duration.ofSeconds(30), Duration.ofMinutes(10));

    private static FleetView.Seen seen(long receivedAtMs, long backlog, String breaker, long lagMs) {
        return new FleetView.Seen(
                new Heartbeat(
                        "web-3", "1.0", receivedAtMs, backlog, 10, 10, "web-3", "a1", breaker, lagMs, "Linux", null),
                receivedAtMs);
    }

    private LifecycleRules.Verdict judge(FleetView.Seen seen, long lastGap, long decommissioned) {
        return rules.judge(seen, NOW, lastGap, decommissioned);
    }

    @Test
    void onlineWhileHeartbeatsArriveOfflineAfterThreeMissed() {
        assertThat(judge(null, 0, 0).state()).isEqualTo(LifecycleState.OFFLINE);
        assertThat(judge(seen(NOW - 15_000, 0, "CLOSED", 0), 0, 0).state()).isEqualTo(LifecycleState.ONLINE);
        LifecycleRules.Verdict offline = judge(seen(NOW - 15_001, 0, "CLOSED", 0), 0, 0);
        assertThat(offline.state()).isEqualTo(LifecycleState.OFFLINE);
        assertThat(offline.reason()).isEqualTo("no heartbeat for 15 s (limit 15 s)");
    }

    @Test
    void degradedForAnOpenBreakerAStallABacklogOrARecentGap() {
        assertThat(judge(seen(NOW, 0, "OPEN", 0), 0, 0).reason()).startsWith("circuit breaker OPEN");
        assertThat(judge(seen(NOW, 3, "CLOSED", 31_000), 0, 0).reason())
                .isEqualTo("forwarding stalled for 31 s (limit 30 s)");
        assertThat(judge(seen(NOW, 501, "CLOSED", 0), 0, 0).reason()).isEqualTo("backlog of 501 batches (limit 500)");
        assertThat(judge(seen(NOW, 0, "CLOSED", 0), NOW - 600_000, 0).state()).isEqualTo(LifecycleState.DEGRADED);
        assertThat(judge(seen(NOW, 0, "CLOSED", 0), NOW - 600_001, 0).state()).isEqualTo(LifecycleState.ONLINE);
        assertThat(judge(seen(NOW, 500, "HALF_OPEN", 30_000), 0, 0).state()).isEqualTo(LifecycleState.ONLINE);
    }

    @Test
    void decommissionedUntilHeardFromAfterwards() {
        assertThat(judge(null, 0, NOW - 5).state()).isEqualTo(LifecycleState.DECOMMISSIONED);
        assertThat(judge(seen(NOW - 10, 0, "CLOSED", 0), 0, NOW - 5).state()).isEqualTo(LifecycleState.DECOMMISSIONED);
        assertThat(judge(seen(NOW - 1, 0, "CLOSED", 0), 0, NOW - 5).state()).isEqualTo(LifecycleState.ONLINE);
    }

    @Test
    void anEdgeOlderThanTheBreakerFieldIsJudgedOnWhatItSends() {
        assertThat(judge(seen(NOW, 0, null, 0), 0, 0).state()).isEqualTo(LifecycleState.ONLINE);
    }
}
