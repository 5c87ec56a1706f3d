package io.dualhub.central.lifecycle;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.common.wire.Heartbeat;
import java.time.Duration;
import java.util.Locale;

/**
 * Which state an edge should be in now, and why, from its last heartbeat and the last gap it declared. Pure: the
 * caller supplies the time.
 *
 * @param offlineAfter   no heartbeat for this long: OFFLINE
 * @param backlogLimit   more batches than this waiting at the edge: DEGRADED
 * @param lagLimit       the backlog without progress for longer than this: DEGRADED
 * @param gapHold        a declared gap keeps the edge DEGRADED this long
 */
public record LifecycleRules(Duration offlineAfter, long backlogLimit, Duration lagLimit, Duration gapHold) {

    /** A state and the reason for it, in words an operator reads in the transition history. */
    public record Verdict(LifecycleState state, String reason) {}

    /**
     * Judges an edge. {@code decommissionedAtMs} is when it was decommissioned (0 if not): it stays so until a
     * heartbeat received after that. {@code lastGapAtMs} is when it last declared a gap (0 if never).
     */
    public Verdict judge(FleetView.Seen seen, long nowMs, long lastGapAtMs, long decommissionedAtMs) {
        if (decommissionedAtMs > 0 && (seen == null || seen.receivedAtMs() <= decommissionedAtMs)) {
            return new Verdict(LifecycleState.DECOMMISSIONED, "decommissioned");
        }
        if (seen == null) {
            return new Verdict(LifecycleState.OFFLINE, "never heard from");
        }
        long silent = nowMs - seen.receivedAtMs();
        if (silent > offlineAfter.toMillis()) {
            return new Verdict(
                    LifecycleState.OFFLINE,
                    "no heartbeat for " + seconds(silent) + " (limit " + seconds(offlineAfter.toMillis()) + ")");
        }
        Heartbeat hb = seen.heartbeat();
        if ("OPEN".equals(hb.breaker())) {
            return new Verdict(LifecycleState.DEGRADED, "circuit breaker OPEN: the edge cannot publish");
        }
        if (hb.forwardLagMs() > lagLimit.toMillis()) {
            return new Verdict(
                    LifecycleState.DEGRADED,
                    "forwarding stalled for " + seconds(hb.forwardLagMs()) + " (limit " + seconds(lagLimit.toMillis())
                            + ")");
        }
        if (hb.backlog() > backlogLimit) {
            return new Verdict(
                    LifecycleState.DEGRADED, "backlog of " + hb.backlog() + " batches (limit " + backlogLimit + ")");
        }
        if (lastGapAtMs > 0 && nowMs - lastGapAtMs <= gapHold.toMillis()) {
            return new Verdict(
                    LifecycleState.DEGRADED,
                    "declared a gap " + seconds(nowMs - lastGapAtMs) + " ago (batches dropped by its overflow policy)");
        }
        return new Verdict(LifecycleState.ONLINE, "heartbeats arriving, forwarding keeps up");
    }

    private static String seconds(long ms) {
        return ms < 10_000 ? String.format(Locale.ROOT, "%.1f s", ms / 1000.0) : ms / 1000 + " s";
    }
}
