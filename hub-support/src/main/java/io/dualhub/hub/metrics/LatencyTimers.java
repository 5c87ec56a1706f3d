package io.dualhub.hub.metrics;

import io.dualhub.common.wire.Latency;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.distribution.ValueAtPercentile;
import java.util.concurrent.TimeUnit;

/**
 * The bridge between Micrometer's timers and the wire's {@link Latency}, kept out of {@code common.wire} so that the
 * wire format depends on no metrics library.
 */
public final class LatencyTimers {
    /** The percentiles every dualhub timer publishes, and a {@link Latency} carries. */
    public static final double[] PERCENTILES = {0.5, 0.95, 0.99};

    private LatencyTimers() {}

    /**
     * A timer's median, 95th and 99th percentile over Micrometer's decaying window (all 0 before anything was
     * recorded); the timer is built with {@code publishPercentiles(PERCENTILES)}.
     */
    public static Latency latency(Timer timer) {
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
