package io.dualhub.central.analysis;

import java.util.SortedMap;

/**
 * A capacity forecast: the series' current fraction of its size, the trend per hour, and when it reaches the limit
 * ({@code etaSeconds}, with a range from the trend's uncertainty; -1 when it is not heading there), and how long a
 * history the trend was fitted to ({@code historySeconds}: from the series' first point to this one).
 */
public record Prediction(
        String edge,
        String metric,
        SortedMap<String, String> tags,
        long atMs,
        double fraction,
        double limit,
        double trendPerHour,
        long etaSeconds,
        long etaLowSeconds,
        long etaHighSeconds,
        long historySeconds,
        String summary) {}
