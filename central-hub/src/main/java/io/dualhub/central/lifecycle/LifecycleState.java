package io.dualhub.central.lifecycle;

/**
 * An edge's place in the fleet: ONLINE (heartbeats arrive, forwarding keeps up), DEGRADED (heartbeats arrive but
 * the edge is behind, stalled, breaker open, or recently declared a gap), OFFLINE (heartbeats missed) and
 * DECOMMISSIONED (retired by an operator; it returns to the others only if it is heard from again).
 */
public enum LifecycleState {
    ONLINE,
    DEGRADED,
    OFFLINE,
    DECOMMISSIONED
}
