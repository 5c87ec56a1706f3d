package io.dualhub.central.analysis;

/**
 * A series' long-run level and spread (exponentially weighted; a plain average during warm-up) and the mean of its
 * last few points: how far a point, and the recent stretch, sit from where the series usually is.
 */
final class LevelBaseline {
    private final double alpha;
    private final int warmup;
    private final double[] recent;
    private double recentSum;
    private long seen;
    private double mean;
    private double variance;

    LevelBaseline(double alpha, int warmup, int shiftPoints) {
        this.alpha = alpha;
        this.warmup = warmup;
        this.recent = new double[shiftPoints];
    }

    /** Deviation of {@code value} in long-run standard deviations, against the level before it. */
    double pointDeviation(double value) {
        double deviation = Math.sqrt(variance);
        return deviation > 0 ? (value - mean) / deviation : 0;
    }

    /** Deviation of the recent mean (including the point just observed), 0 until enough points were seen. */
    double recentDeviation() {
        double deviation = Math.sqrt(variance);
        return seen >= recent.length && deviation > 0 ? (recentSum / recent.length - mean) / deviation : 0;
    }

    void addRecent(double value) {
        int slot = (int) (seen % recent.length);
        recentSum += value - recent[slot];
        recent[slot] = value;
    }

    void learn(double value) {
        double a = seen < warmup ? 1.0 / (seen + 1) : alpha;
        double diff = value - mean;
        mean += a * diff;
        variance = (1 - a) * (variance + a * diff * diff);
        seen++;
    }
}
