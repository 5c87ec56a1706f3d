package io.dualhub.central.analysis;

/** The mean of a series' last {@code n} points: a level shift moves it before it moves the long-run level. */
final class RecentMean {
    private final double[] window;
    private long added;
    private double sum;

    RecentMean(int n) {
        this.window = new double[n];
    }

    void add(double value) {
        int slot = (int) (added++ % window.length);
        sum += value - window[slot];
        window[slot] = value;
    }

    boolean full() {
        return added >= window.length;
    }

    double mean() {
        return sum / window.length;
    }
}
