package io.dualhub.central.analysis;

import io.dualhub.central.store.SeriesKey;
import io.dualhub.common.wire.Point;
import java.util.HashMap;
import java.util.Map;

/**
 * Forecasts capacity series ({@code used/size} pairs from the same edge with the same tags): a trend through the
 * used fraction, and when it reaches the limit, with a range from the slope's uncertainty (two standard errors).
 * A new capacity series is taken only while the analyzer has room under {@code analysis.max-series}: each counts as
 * one series there ({@link #tracked()}).
 */
final class CapacityForecaster {
    private final AnalysisSettings settings;
    private final Map<SeriesKey, Double> sizes = new HashMap<>();
    private final Map<SeriesKey, TrendFit> trends = new HashMap<>();

    CapacityForecaster(AnalysisSettings settings) {
        this.settings = settings;
    }

    /**
     * Learns from a point; returns the series' new forecast when the point is a capacity series' used value. A series
     * not seen before is taken only when {@code room} says so.
     */
    Prediction observe(String edge, Point point, boolean room) {
        for (AnalysisSettings.CapacityRule rule : settings.capacity()) {
            if (point.metric().equals(rule.size())) {
                SeriesKey key = new SeriesKey(edge, rule.used(), point.tags());
                if (room || sizes.containsKey(key)) {
                    sizes.put(key, point.value());
                }
            } else if (point.metric().equals(rule.used())) {
                return forecast(new SeriesKey(edge, rule.used(), point.tags()), point);
            }
        }
        return null;
    }

    /** Capacity series followed: each is one of analysis.max-series. */
    int tracked() {
        return sizes.size();
    }

    private Prediction forecast(SeriesKey key, Point used) {
        Double size = sizes.get(key);
        if (size == null || size <= 0) {
            return null;
        }
        TrendFit fit = trends.computeIfAbsent(
                key, k -> new TrendFit(settings.trendHalfLife().toSeconds()));
        double fraction = used.value() / size;
        fit.add(used.timestampMs() / 1000.0, fraction);
        TrendFit.Trend trend = fit.trend();
        if (trend == null) {
            return null;
        }
        double limit = settings.capacityLimit();
        double gap = limit - trend.level();
        long eta = eta(gap, trend.slope());
        long early = eta(gap, trend.slope() + 2 * trend.slopeError());
        long late = eta(gap, trend.slope() - 2 * trend.slopeError());
        return new Prediction(
                key.edge(),
                key.metric(),
                key.tags(),
                used.timestampMs(),
                fraction,
                limit,
                trend.slope() * 3600,
                eta,
                early,
                late,
                (long) fit.span(),
                summary(key, limit, fraction, eta, early, late));
    }

    /** Seconds until the gap is closed at this slope; 0 when already past, -1 when not heading there. */
    private static long eta(double gap, double slope) {
        if (gap <= 0) {
            return 0;
        }
        return slope > 0 ? (long) Math.min(gap / slope, Long.MAX_VALUE / 2.0) : -1;
    }

    private static String summary(SeriesKey key, double limit, double fraction, long eta, long early, long late) {
        String series = PredictiveAnalyzer.seriesName(key.metric(), key.tags()) + " on edge " + key.edge();
        String percent = Math.round(limit * 100) + " %";
        if (eta == 0) {
            return series + " is at " + Math.round(fraction * 100) + " %, past " + percent;
        }
        if (eta < 0) {
            return series + " is at " + Math.round(fraction * 100) + " % and not rising";
        }
        return series + " reaches " + percent + " in " + Durations.human(eta) + " (" + Durations.human(early) + " – "
                + (late < 0 ? "not at all" : Durations.human(late)) + ")";
    }
}
