package io.dualhub.central.analysis;

/**
 * The range a series has covered so far (every point, warm-up included), and whether a value leaves it by more than
 * a tolerance (a share of the range): a value the series never came near is news whatever its deviation's
 * statistics say. Constant work and memory per point; it never forgets, so it widens and flags less as a series ages.
 */
final class RangeNovelty {
    private final double tolerance;
    private double min = Double.POSITIVE_INFINITY;
    private double max = Double.NEGATIVE_INFINITY;

    RangeNovelty(double tolerance) {
        this.tolerance = tolerance;
    }

    /** True when {@code value} lies beyond the range so far by more than the tolerance; false for the first value. */
    boolean outside(double value) {
        double margin = tolerance * (max - min);
        return value > max + margin || value < min - margin;
    }

    void learn(double value) {
        min = Math.min(min, value);
        max = Math.max(max, value);
    }
}
