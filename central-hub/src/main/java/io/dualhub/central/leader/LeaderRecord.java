package io.dualhub.central.leader;

/** The value of the lease key: who leads, and since when (epoch ms). */
public record LeaderRecord(String instance, long sinceMs) {}
