package io.dualhub.common.wire;

import java.util.Collections;
import java.util.Map;
import java.util.Objects;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One sample of one series: metric name, tags (kept sorted, so a series has one identity), epoch-millisecond
 * timestamp and value.
 */
public record Point(String metric, SortedMap<String, String> tags, long timestampMs, double value) {
    public Point {
        Objects.requireNonNull(metric, "metric");
        tags = tags == null || tags.isEmpty() ? EMPTY : tags;
    }

    private static final SortedMap<String, String> EMPTY = Collections.unmodifiableSortedMap(new TreeMap<>());

    public static Point of(String metric, Map<String, String> tags, long timestampMs, double value) {
        return new Point(metric, tags == null ? null : new TreeMap<>(tags), timestampMs, value);
    }
}
