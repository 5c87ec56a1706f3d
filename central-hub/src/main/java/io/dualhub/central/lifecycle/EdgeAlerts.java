package io.dualhub.central.lifecycle;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.common.wire.GapDeclaration;
import java.time.Duration;
import java.util.Locale;

/**
 * The alerts about edges as a whole: one firing while an edge is OFFLINE, one while it is DEGRADED (each with the
 * state's reason), and one when it declared points lost (overflow drops, batches expired, too large or invalid),
 * resolved with the first state change after {@code fleet.degraded-after-gap} has passed since the last declaration.
 * Called on every hub as the registry changes and declarations are stored, so a standby's board matches the leader's.
 */
final class EdgeAlerts {
    private final AlertBoard alerts;
    private final Duration lossHold;

    EdgeAlerts(AlertBoard alerts, Duration lossHold) {
        this.alerts = alerts;
        this.lossHold = lossHold;
    }

    /** The edge's record changed; {@code lastLossAtMs} is its last declaration's time here (0: none). */
    void stateChanged(EdgeRecord record, long nowMs, long lastLossAtMs) {
        toggle(record, LifecycleState.OFFLINE, "DualhubEdgeOffline");
        toggle(record, LifecycleState.DEGRADED, "DualhubEdgeDegraded");
        if (nowMs - lastLossAtMs >= lossHold.toMillis()) {
            alerts.resolve(lossKey(record.edgeId()));
        }
    }

    /** An edge declared batches it will never deliver. */
    void lossDeclared(GapDeclaration gap, long nowMs) {
        long batches = gap.toSeq() - gap.fromSeq() + 1;
        String what = gap.reason() == GapDeclaration.Reason.EXPIRED // their point counts are not known
                ? batches + " batches"
                : gap.points() + " points in " + batches + " batches";
        alerts.raise(Alert.ofEdge(
                lossKey(gap.edgeId()),
                "DualhubDataLoss",
                "critical",
                "loss",
                gap.edgeId(),
                "edge " + gap.edgeId() + " declared " + what + " lost (" + gap.reason() + ", sequence " + gap.fromSeq()
                        + "-" + gap.toSeq() + ")",
                nowMs));
    }

    private void toggle(EdgeRecord record, LifecycleState state, String name) {
        String key = "edge-" + state.name().toLowerCase(Locale.ROOT) + ":" + record.edgeId();
        if (record.state() == state) {
            alerts.raise(Alert.ofEdge(
                    key,
                    name,
                    "warning",
                    "edge",
                    record.edgeId(),
                    "edge " + record.edgeId() + " is " + state + ": " + record.reason(),
                    record.sinceMs()));
        } else {
            alerts.resolve(key);
        }
    }

    private static String lossKey(String edgeId) {
        return "loss:" + edgeId;
    }
}
