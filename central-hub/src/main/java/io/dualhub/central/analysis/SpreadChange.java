package io.dualhub.central.analysis;

/**
 * How the spread of a series' last {@code n} points compares with its usual spread: the log of the ratio of their
 * variances, so a series that turns noisy (or goes flat) deviates while its level stays put. Values are taken
 * relative to the first one seen, so large magnitudes with small changes keep their precision.
 */
final class SpreadChange {
    private final double[] window;
    private final double alpha;
    private long added;
    private double anchor = Double.NaN;
    private double sum;
    private double sumSquares;
    private double usualVariance;
    private long learned;

    SpreadChange(int n, double alpha) {
        this.window = new double[n];
        this.alpha = alpha;
    }

    /** Adds the point; returns log(recent variance / usual variance), 0 until the window is full. */
    double add(double value) {
        if (Double.isNaN(anchor)) {
            anchor = value;
        }
        double x = value - anchor;
        int slot = (int) (added++ % window.length);
        sum += x - window[slot];
        sumSquares += x * x - window[slot] * window[slot];
        window[slot] = x;
        if (added < window.length) {
            return 0;
        }
        double mean = sum / window.length;
        double recent = Math.max(sumSquares / window.length - mean * mean, 0);
        double ratio = Math.log((recent + 1e-12) / (usualVariance + 1e-12));
        learned++;
        usualVariance += Math.max(1.0 / learned, alpha) * (recent - usualVariance);
        return ratio;
    }
}
