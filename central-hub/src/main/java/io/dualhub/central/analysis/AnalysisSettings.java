package io.dualhub.central.analysis;

import static io.dualhub.common.config.InvalidSetting.require;
import static io.dualhub.common.config.InvalidSetting.requireAtLeast;
import static io.dualhub.common.config.Settings.text;

import io.dualhub.common.config.Settings;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * What the PredictiveAnalyzer watches and when it alerts. Built by {@link #custom()} (each value starting at its
 * default below, the default of its {@code analysis.*} key) or {@link #ofDefaults()}; every bound is checked here,
 * once, naming the key.
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

    /**
     * About a one-in-700,000 deviation (the score is -log10 of the rarest deviation's probability over 6.5): alerts
     * far less often than NAB's best trade-off (0.59), since an alert pages a person.
     */
    public static final double DEFAULT_ALERT_THRESHOLD = 0.9;
    /** Thresholds and limits are fractions; below this one would alert on nearly everything. */
    public static final double MIN_FRACTION = 0.01;
    /** Sizes and uptimes move only when someone changed something on purpose. */
    public static final List<String> DEFAULT_SKIP_METRICS =
            List.of("host_uptime_seconds", "host_filesystem_size_bytes", "host_memory_total_bytes");
    /** The host collector's filesystems and memory. */
    public static final List<CapacityRule> DEFAULT_CAPACITY = List.of(
            new CapacityRule("host_filesystem_used_bytes", "host_filesystem_size_bytes"),
            new CapacityRule("host_memory_used_bytes", "host_memory_total_bytes"));
    /** So near full that trouble follows soon after, yet early enough to act. */
    public static final double DEFAULT_CAPACITY_LIMIT = 0.95;
    /** A day ahead: time to act during working hours. */
    public static final Duration DEFAULT_HORIZON = Duration.ofHours(24);

    public static final Duration MIN_HORIZON = Duration.ofMinutes(1);
    /** Past a machine's start (JVMs growing, caches filling), which says nothing about the next day. */
    public static final Duration DEFAULT_CAPACITY_MIN_HISTORY = Duration.ofHours(2);
    /** A quarter of a day: a trend follows a change within hours and is not moved by one busy hour. */
    public static final Duration DEFAULT_TREND_HALF_LIFE = Duration.ofHours(6);

    public static final Duration MIN_TREND_HALF_LIFE = Duration.ofMinutes(1);
    /** About 100 MB of heap (about 10 KB per series, counted from the model's arrays). */
    public static final int DEFAULT_MAX_SERIES = 10_000;

    public static final int MAX_MAX_SERIES = 10_000_000;
    /** A quarter of a core: on a small machine a backlog being stored is not slowed by scoring it. */
    public static final double DEFAULT_CPU_SHARE = 0.25;

    /** A capacity series: {@code used} over {@code size}, matched by edge and tags. */
    public record CapacityRule(String used, String size) {
        /** As the configuration writes it: {@code used/size}. */
        public String text() {
            return used + "/" + size;
        }

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
        fraction(alertThreshold, "analysis.alert-threshold");
        fraction(capacityLimit, "analysis.capacity-limit");
        requireAtLeast(horizon, MIN_HORIZON, "analysis.horizon");
        requireAtLeast(capacityMinHistory, Duration.ZERO, "analysis.capacity-min-history");
        requireAtLeast(trendHalfLife, MIN_TREND_HALF_LIFE, "analysis.trend-half-life");
        require(
                maxSeries >= 0 && maxSeries <= MAX_MAX_SERIES,
                "analysis.max-series",
                maxSeries,
                "an integer from 0 to " + MAX_MAX_SERIES);
        fraction(cpuShare, "analysis.cpu-share");
    }

    private static void fraction(double value, String key) {
        require(
                value >= MIN_FRACTION && value <= 1,
                key,
                Settings.text(value),
                "a number from " + Settings.text(MIN_FRACTION) + " to 1");
    }

    public static AnalysisSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /**
     * How long analysis rests after working {@code busyNanos} so that it stays within {@link #cpuShare} of a core:
     * busy / (busy + rest) = share.
     */
    public long restAfter(long busyNanos) {
        return (long) (busyNanos * (1 - cpuShare) / cpuShare);
    }

    /** Starts from the defaults; each setter replaces one value. */
    public static final class Builder {
        private boolean enabled = true;
        private double alertThreshold = DEFAULT_ALERT_THRESHOLD;
        private Set<String> skipMetrics = Set.copyOf(DEFAULT_SKIP_METRICS);
        private List<CapacityRule> capacity = DEFAULT_CAPACITY;
        private double capacityLimit = DEFAULT_CAPACITY_LIMIT;
        private Duration horizon = DEFAULT_HORIZON;
        private Duration capacityMinHistory = DEFAULT_CAPACITY_MIN_HISTORY;
        private Duration trendHalfLife = DEFAULT_TREND_HALF_LIFE;
        private int maxSeries = DEFAULT_MAX_SERIES;
        private double cpuShare = DEFAULT_CPU_SHARE;
        private AnomalySettings model = AnomalySettings.DEFAULTS;

        private Builder() {}

        public Builder enabled(boolean analyse) {
            this.enabled = analyse;
            return this;
        }

        public Builder alertThreshold(double score) {
            this.alertThreshold = score;
            return this;
        }

        public Builder skipMetrics(Set<String> metrics) {
            this.skipMetrics = metrics;
            return this;
        }

        public Builder capacity(List<CapacityRule> rules) {
            this.capacity = rules;
            return this;
        }

        public Builder capacityLimit(double fractionOfSize) {
            this.capacityLimit = fractionOfSize;
            return this;
        }

        public Builder horizon(Duration ahead) {
            this.horizon = ahead;
            return this;
        }

        public Builder capacityMinHistory(Duration span) {
            this.capacityMinHistory = span;
            return this;
        }

        public Builder trendHalfLife(Duration halfLife) {
            this.trendHalfLife = halfLife;
            return this;
        }

        public Builder maxSeries(int series) {
            this.maxSeries = series;
            return this;
        }

        public Builder cpuShare(double ofOneCore) {
            this.cpuShare = ofOneCore;
            return this;
        }

        public Builder model(AnomalySettings tuning) {
            this.model = tuning;
            return this;
        }

        public AnalysisSettings build() {
            return new AnalysisSettings(
                    enabled,
                    alertThreshold,
                    skipMetrics,
                    capacity,
                    capacityLimit,
                    horizon,
                    capacityMinHistory,
                    trendHalfLife,
                    maxSeries,
                    cpuShare,
                    model);
        }
    }
}
