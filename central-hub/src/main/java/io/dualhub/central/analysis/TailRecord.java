package io.dualhub.central.analysis;

/**
 * How rare a deviation is for this series: the share of its past deviations at least as large (a histogram in
 * quarter steps), never rarer than a normal distribution would make it. Beyond every deviation seen so far it is
 * the chance of a new record (one in n + 1) times a normal tail for how far past the record it goes — so a series
 * whose deviations are heavy-tailed does not cry wolf each time it edges past its own record, while a deviation far
 * beyond it is still as rare as it looks. Returned as -log10 of that probability.
 */
final class TailRecord {
    private static final double STEP = 0.25;
    private final long[] counts = new long[200];
    private long total;
    private double record;

    double surprise(double deviation) {
        double z = Math.abs(deviation);
        long atLeast = 0;
        for (int b = bin(z); b < counts.length; b++) {
            atLeast += counts[b];
        }
        if (total == 0) {
            return Gaussian.surprise(z);
        }
        double rarity = atLeast > 0
                ? -Math.log10(atLeast / (double) total)
                : Math.log10(total + 1) + Gaussian.surprise(Math.max(0, z - record));
        return Math.min(rarity, Gaussian.surprise(z));
    }

    void learn(double deviation) {
        double z = Math.abs(deviation);
        counts[bin(z)]++;
        total++;
        record = Math.max(record, z);
    }

    private int bin(double z) {
        return (int) Math.min(counts.length - 1, z / STEP);
    }
}
