package io.dualhub.central.analysis;

/**
 * Judges a raw surprise against the series' own record of surprises: the mean of the last few raw values is
 * compared with the long-run mean and deviation of all raw values, and the result is the probability that this
 * recent stretch is unusual, spread on a log scale so that only very unusual stretches score near 1.
 */
final class RunningSurprise {
    private final AnomalySettings settings;
    private final double[] recent;
    private int next;
    private int filled;
    private double recentSum;
    private double mean;
    private double var;
    private long seen;

    RunningSurprise(AnomalySettings settings) {
        this.settings = settings;
        this.recent = new double[settings.shortWindow()];
    }

    void observe(double raw) {
        seen++;
        double alpha = Math.max(1.0 / seen, settings.historyAlpha());
        double diff = raw - mean;
        mean += alpha * diff;
        var = (1 - alpha) * (var + alpha * diff * diff);
        recentSum += raw - (filled == recent.length ? recent[next] : 0);
        recent[next] = raw;
        next = (next + 1) % recent.length;
        filled = Math.min(filled + 1, recent.length);
    }

    double likelihood(double raw) {
        double deviation = Math.max(Math.sqrt(var), settings.minDeviation());
        observe(raw);
        double z = (recentSum / filled - mean) / deviation;
        double probability = 1 - Gaussian.upperTail(z);
        return Math.log(1.0000000001 - probability) / Math.log(1e-10);
    }
}
