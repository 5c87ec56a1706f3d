package io.dualhub.central.store;

/**
 * Bounds of the metric store: {@code maxSeriesPerEdge} series in its dictionary per edge (each a few hundred bytes of
 * heap for as long as the store holds it). A batch that would bring an edge past it is refused whole and accounted
 * as invalid, never half stored.
 */
public record StoreSettings(int maxSeriesPerEdge) {
    public static final int DEFAULT_MAX_SERIES_PER_EDGE = 1_000_000;

    public StoreSettings {
        if (maxSeriesPerEdge < 1) {
            throw new IllegalArgumentException("maxSeriesPerEdge must be positive: " + maxSeriesPerEdge);
        }
    }

    public static StoreSettings ofDefaults() {
        return new StoreSettings(DEFAULT_MAX_SERIES_PER_EDGE);
    }
}
