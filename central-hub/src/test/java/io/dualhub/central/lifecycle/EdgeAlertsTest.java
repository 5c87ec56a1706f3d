package io.dualhub.central.lifecycle;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.common.wire.GapDeclaration;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The edge alerts driven by records and declarations as the registry and the ingest loop hand them over. */
class EdgeAlertsTest {
    private static final Duration HOLD = Duration.ofMinutes(10);
    private final AlertBoard board = new AlertBoard(() -> true, (subject, body) -> {}, change -> {});
    private final EdgeAlerts alerts = new EdgeAlerts(board, HOLD);

    @Test
    void offlineAndDegradedEachFireWhileTheStateHoldsWithItsReason() {
        alerts.stateChanged(record(LifecycleState.OFFLINE, "3 heartbeats missed"), 1000, 0);
        assertThat(names()).containsExactly("DualhubEdgeOffline");
        assertThat(board.active().get(0).summary()).isEqualTo("edge web-3 is OFFLINE: 3 heartbeats missed");

        alerts.stateChanged(record(LifecycleState.DEGRADED, "backlog of 900 batches"), 2000, 0);
        assertThat(names()).containsExactly("DualhubEdgeDegraded");
        assertThat(board.active().get(0).summary()).isEqualTo("edge web-3 is DEGRADED: backlog of 900 batches");

        alerts.stateChanged(record(LifecycleState.ONLINE, "forwarding keeps up"), 3000, 0);
        assertThat(board.active()).isEmpty();
    }

    @Test
    void aDeclaredLossIsCriticalUntilTheHoldHasPassedWithoutAnother() {
        long declaredAt = 1_000_000;
        alerts.lossDeclared(
                new GapDeclaration("web-3", "", 7, 8, GapDeclaration.Reason.OVERFLOW, new int[] {500, 250}, declaredAt),
                declaredAt);
        Alert loss = board.active().get(0);
        assertThat(loss.name()).isEqualTo("DualhubDataLoss");
        assertThat(loss.severity()).isEqualTo("critical");
        assertThat(loss.summary())
                .isEqualTo("edge web-3 declared 750 points in 2 batches lost (OVERFLOW, sequence 7-8)");

        alerts.stateChanged(record(LifecycleState.ONLINE, "ok"), declaredAt + HOLD.toMillis() - 1, declaredAt);
        assertThat(names()).as("still inside the hold").containsExactly("DualhubDataLoss");
        alerts.stateChanged(record(LifecycleState.ONLINE, "ok"), declaredAt + HOLD.toMillis(), declaredAt);
        assertThat(board.active()).isEmpty();
    }

    @Test
    void expiredBatchesAreCountedInBatchesTheirPointsBeingUnknown() {
        alerts.lossDeclared(GapDeclaration.lost("web-3", "", 3, 5, 1000), 1000);
        assertThat(board.active().get(0).summary())
                .isEqualTo("edge web-3 declared 3 batches lost (EXPIRED, sequence 3-5)");
    }

    private List<String> names() {
        return board.active().stream().map(Alert::name).toList();
    }

    private static EdgeRecord record(LifecycleState state, String reason) {
        return new EdgeRecord("web-3", state, 500, reason, "1", "h", "linux", null);
    }
}
