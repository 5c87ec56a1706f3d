package io.dualhub.central.analysis;

/**
 * How rare a deviation is for this series: the share of its past deviations at least as large (a histogram in
 * quarter steps), but never rarer than a normal distribution would make it. A series with heavy tails thus
 * needs a larger deviation to surprise than a quiet one. Returned as -log10 of that probability.
 */
final class TailRecord {
    private static final double STEP = 0.25;
    private final long[] counts = new long[200];
    private long total;

    double surprise(double deviation) {
        double z = Math.abs(deviation);
        int bin = bin(z);
        long atLeast = 0;
        for (int b = bin; b < counts.length; b++) {
            atLeast += counts[b];
        }
        double empirical = total > 0 ? atLeast / (double) total : 1;
        return Math.min(-Math.log10(empirical), Gaussian.surprise(z));
    }

    void learn(double deviation) {
        counts[bin(Math.abs(deviation))]++;
        total++;
    }

    private int bin(double z) {
        return (int) Math.min(counts.length - 1, z / STEP);
    }
}
