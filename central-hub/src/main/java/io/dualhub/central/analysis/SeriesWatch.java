package io.dualhub.central.analysis;

import io.dualhub.central.store.SeriesKey;
import io.dualhub.common.wire.Point;

/**
 * One series under anomaly watch: its model, the rate conversion for counters ({@code *_total} metrics are scored
 * on their per-second rate, a reset skipped), and the open incident. An incident opens at the alert threshold and
 * closes after the model's quiet period passes with no score at it, so one incident is one anomaly and one alert.
 */
final class SeriesWatch {
    private final SeriesKey key;
    private final AnomalyModel model;
    private final boolean counter;
    private final double threshold;
    private final int closeAfter;
    private long lastMs = Long.MIN_VALUE;
    private double lastValue;
    private Anomaly open;
    private int calm;

    SeriesWatch(SeriesKey key, AnalysisSettings settings) {
        this.key = key;
        this.model = new AnomalyModel(settings.model());
        this.counter = key.metric().endsWith("_total");
        this.threshold = settings.alertThreshold();
        this.closeAfter = Math.max(1, settings.model().quietPoints());
    }

    /** What a point did to this series' incident. */
    enum Change {
        NONE,
        OPENED,
        CLOSED
    }

    Change observe(Point point) {
        double value = point.value();
        if (counter) {
            boolean first = lastMs == Long.MIN_VALUE;
            long elapsedMs = point.timestampMs() - lastMs;
            double delta = value - lastValue;
            lastMs = point.timestampMs();
            lastValue = value;
            if (first || elapsedMs <= 0 || delta < 0) {
                return Change.NONE;
            }
            value = delta * 1000 / elapsedMs;
        }
        double score = model.score(Math.floorDiv(point.timestampMs(), 1000), value);
        if (score >= threshold) {
            calm = 0;
            if (open == null) {
                open = new Anomaly(key.edge(), key.metric(), key.tags(), point.timestampMs(), value, score, score, 0);
                return Change.OPENED;
            }
            if (score > open.peakScore()) {
                open = open.withPeak(score);
            }
        } else if (open != null && ++calm >= closeAfter) {
            open = open.endedAt(point.timestampMs());
            return Change.CLOSED;
        }
        return Change.NONE;
    }

    /** The incident just opened or closed (or still open). */
    Anomaly incident() {
        return open;
    }

    void forget() {
        open = null;
    }
}
