package io.dualhub.central.lifecycle;

/** One change of an edge's lifecycle state: from what, to what, why, when, and which CentralHub decided it. */
public record Transition(String edgeId, LifecycleState from, LifecycleState to, String reason, long atMs, String by) {}
