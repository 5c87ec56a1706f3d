package io.dualhub.central.recovery;

import java.util.UUID;

/**
 * One audited recovery action: which playbook, about which edge (null for the hub itself), what was done and why,
 * by which CentralHub, and how it stands. An action is recorded when it starts ({@code PENDING}) and again, under
 * the same id, when it ends ({@code DONE} or {@code FAILED}, or {@code HANDED_OVER} to a new leader that re-derives
 * it); the latest record of an id is its state.
 */
public record RecoveryAction(
        String id,
        String playbook,
        String edge,
        String what,
        String why,
        String status,
        String outcome,
        long startedAtMs,
        long atMs,
        String by) {
    public static final String PENDING = "PENDING";
    public static final String DONE = "DONE";
    public static final String FAILED = "FAILED";

    public static final String HANDED_OVER = "HANDED_OVER";

    /** A new pending action with a fresh id. */
    public static RecoveryAction begin(String playbook, String edge, String what, String why, long nowMs, String by) {
        return new RecoveryAction(
                playbook + "-" + UUID.randomUUID().toString().substring(0, 8),
                playbook,
                edge,
                what,
                why,
                PENDING,
                "",
                nowMs,
                nowMs,
                by);
    }

    public boolean pending() {
        return PENDING.equals(status);
    }

    /**
     * This action ended (or moved on) with {@code newStatus}: {@code outcome}, at {@code nowMs}, decided by {@code
     * who}.
     */
    public RecoveryAction then(String newStatus, String newOutcome, long nowMs, String who) {
        return new RecoveryAction(id, playbook, edge, what, why, newStatus, newOutcome, startedAtMs, nowMs, who);
    }
}
