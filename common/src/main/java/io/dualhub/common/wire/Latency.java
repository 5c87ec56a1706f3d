package io.dualhub.common.wire;

import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.TimeUnit;

/**
 * A latency's median, 95th and 99th percentile in milliseconds, over the last few minutes (Micrometer's decaying
 * window); all 0 before anything was recorded.
 */
public record Latency(double p50Ms, double p95Ms, double p99Ms) {
    /** The percentiles every dualhub timer publishes. */
    public static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    /** Reads a timer built with {@code publishPercentiles(PERCENTILES)}. */
    public static Latency of(Timer timer) {
        double[] ms = new double[PERCENTILES.length];
        for (ValueAtPercentile v : timer.takeSnapshot().percentileValues()) {
            for (int i = 0; i < PERCENTILES.length; i++) {
                if (v.percentile() == PERCENTILES[i]) {
                    ms[i] = v.value(TimeUnit.MILLISECONDS);
                }
            }
        }
        return new Latency(ms[0], ms[1], ms[2]);
    }
}
