package io.dualhub.central.store;

import java.time.Duration;

/**
 * Bounds of the metric store: {@code maxSeriesPerEdge} series in its dictionary per edge (each a few hundred bytes of
 * heap for as long as the store holds it; a batch that would bring an edge past it is refused whole and accounted as
 * invalid, never half stored), and {@code failingRestart}: after every commit failed for that long, the hub's
 * liveness goes DOWN so that its supervisor restarts it (zero: never).
 */
public record StoreSettings(int maxSeriesPerEdge, Duration failingRestart) {
    public static final int DEFAULT_MAX_SERIES_PER_EDGE = 1_000_000;
    public static final Duration DEFAULT_FAILING_RESTART = Duration.ofMinutes(5);

    public StoreSettings {
        if (maxSeriesPerEdge < 1) {
            throw new IllegalArgumentException("maxSeriesPerEdge must be positive: " + maxSeriesPerEdge);
        }
        if (failingRestart.isNegative()) {
            throw new IllegalArgumentException("failingRestart must not be negative: " + failingRestart);
        }
    }

    public static StoreSettings ofDefaults() {
        return new StoreSettings(DEFAULT_MAX_SERIES_PER_EDGE, DEFAULT_FAILING_RESTART);
    }
}
