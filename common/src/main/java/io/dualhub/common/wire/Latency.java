package io.dualhub.common.wire;

/**
 * A latency's median, 95th and 99th percentile in milliseconds, over the last few minutes, as a heartbeat and the
 * performance API carry it; all 0 before anything was recorded (the hubs' {@code LatencyTimers} reads one off a
 * timer).
 */
public record Latency(double p50Ms, double p95Ms, double p99Ms) {}
