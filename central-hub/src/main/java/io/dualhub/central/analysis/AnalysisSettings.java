package io.dualhub.central.analysis;

import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the PredictiveAnalyzer watches and when it alerts.
 *
 * @param enabled          false turns analysis off (nothing is scored or forecast)
 * @param alertThreshold   anomaly score at which an incident opens and an alert is raised
 * @param skipMetrics      metrics never scored (sizes, uptimes: they move only when something was changed on purpose)
 * @param capacity         ratio series to forecast, each {@code used/size}
 * @param capacityLimit    the fraction of size a capacity forecast predicts reaching
 * @param horizon          a capacity series predicted to reach its limit within this raises an alert (the far end of
 *                         the forecast's range, not only its middle, must be inside it)
 * @param capacityMinHistory a capacity series raises no alert before its points span this long: a trend through the
 *                         first minutes of a machine (JVMs starting, caches filling) says nothing about the next day
 * @param trendHalfLife    how fast old points lose their say in a capacity trend
 * @param maxSeries        series analysed at most (memory bound); further series are stored but not analysed
 * @param cpuShare         the share of one core analysis may take (0 < share <= 1): beyond it batches are skipped for
 *                         analysis, so on a small machine a backlog being stored is not slowed by scoring it
 * @param model            the anomaly model's tuning
 */
public record AnalysisSettings(
        boolean enabled,
        double alertThreshold,
        Set<String> skipMetrics,
        List<CapacityRule> capacity,
        double capacityLimit,
        Duration horizon,
        Duration capacityMinHistory,
        Duration trendHalfLife,
        int maxSeries,
        double cpuShare,
        AnomalySettings model) {

    /** A capacity series: {@code used} over {@code size}, matched by edge and tags. */
    public record CapacityRule(String used, String size) {
        /** Parses {@code used/size}; null when the text has another form. */
        public static CapacityRule parse(String text) {
            String[] parts = text.trim().split("/");
            return parts.length == 2 && !parts[0].isBlank() && !parts[1].isBlank()
                    ? new CapacityRule(parts[0].trim(), parts[1].trim())
                    : null;
        }
    }

    public AnalysisSettings {
        skipMetrics = Set.copyOf(skipMetrics);
        capacity = List.copyOf(capacity);
        if (!(cpuShare > 0 && cpuShare <= 1)) {
            throw new IllegalArgumentException("cpu share must be > 0 and <= 1, got " + cpuShare);
        }
    }

    /**
     * How long analysis rests after working {@code busyNanos} so that it stays within {@link #cpuShare} of a core:
     * busy / (busy + rest) = share.
     */
    public long restAfter(long busyNanos) {
        return (long) (busyNanos * (1 - cpuShare) / cpuShare);
    }
}
