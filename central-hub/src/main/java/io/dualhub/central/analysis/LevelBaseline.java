package io.dualhub.central.analysis;

/**
 * A series' long-run level and spread (exponentially weighted; a plain average during warm-up): how far a value —
 * a point, or the mean of a recent stretch — sits from where the series usually is, in long-run deviations.
 */
final class LevelBaseline {
    private final double alpha;
    private final int warmup;
    private long seen;
    private double mean;
    private double variance;

    LevelBaseline(double alpha, int warmup) {
        this.alpha = alpha;
        this.warmup = warmup;
    }

    /** Deviation of {@code value} against the level learned so far; 0 while there is no spread yet. */
    double deviation(double value) {
        double deviation = Math.sqrt(variance);
        return deviation > 0 ? (value - mean) / deviation : 0;
    }

    void learn(double value) {
        double a = seen < warmup ? 1.0 / (seen + 1) : alpha;
        double diff = value - mean;
        mean += a * diff;
        variance = (1 - a) * (variance + a * diff * diff);
        seen++;
    }
}
