package io.dualhub.central.analysis;

import java.util.SortedMap;

/** One anomaly incident of one series: where it started, its worst score, and when it ended (0 while open). */
public record Anomaly(
        String edge,
        String metric,
        SortedMap<String, String> tags,
        long startedMs,
        double value,
        double score,
        double peakScore,
        long endedMs) {

    Anomaly withPeak(double peak) {
        return new Anomaly(edge, metric, tags, startedMs, value, score, peak, endedMs);
    }

    Anomaly endedAt(long ms) {
        return new Anomaly(edge, metric, tags, startedMs, value, score, peakScore, ms);
    }
}
