package io.dualhub.common.wire;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One sample of one series: metric name, tags (kept sorted, so a series has one identity), epoch-millisecond
 * timestamp and value. The value is a finite number, or NaN for a {@link #staleMarker staleness marker}: every input
 * refuses values that are not finite, so inside dualhub a NaN means nothing else.
 */
public record Point(String metric, SortedMap<String, String> tags, long timestampMs, double value) {
    public Point {
        Objects.requireNonNull(metric, "metric");
        tags = tags == null || tags.isEmpty() ? EMPTY : tags;
    }

    private static final SortedMap<String, String> EMPTY = Collections.unmodifiableSortedMap(new TreeMap<>());

    /**
     * The bits Prometheus gives its staleness marker, a NaN of its own; written as such wherever a marker leaves
     * dualhub (remote-write export), whatever bits the NaN got on its way.
     */
    public static final long STALE_MARKER_BITS = 0x7ff0000000000002L;

    /**
     * A staleness marker: the series ended at {@code timestampMs} (it vanished from its scrape, its target went down
     * or away, or a sender sent one), so PromQL stops looking back for its last value there. The hubs do not store
     * it; they export it.
     */
    public static Point staleMarker(String metric, SortedMap<String, String> tags, long timestampMs) {
        return new Point(metric, tags, timestampMs, Double.longBitsToDouble(STALE_MARKER_BITS));
    }

    /** Whether this is a {@link #staleMarker staleness marker} rather than a sample. */
    public boolean isStaleMarker() {
        return Double.isNaN(value);
    }

    public static Point of(String metric, Map<String, String> tags, long timestampMs, double value) {
        return new Point(metric, tags == null ? null : new TreeMap<>(tags), timestampMs, value);
    }
}
