package io.dualhub.bench;

/**
 * What a figure must reach: a bound on the value itself or on its ratio to the reference measured beside it.
 * {@link #text()} is how the report states it.
 */
public record Goal(String text, boolean onRatio, boolean atLeast, double bound) {

    public static Goal atLeast(double bound, String unit) {
        return new Goal(">= " + Report.number(bound) + " " + unit, false, true, bound);
    }

    public static Goal atMost(double bound, String unit) {
        return new Goal("<= " + Report.number(bound) + " " + unit, false, false, bound);
    }

    /** At least {@code bound} times the reference. */
    public static Goal ratioAtLeast(double bound) {
        return new Goal(">= " + Report.number(bound) + " x reference", true, true, bound);
    }

    /** Whether the figure meets the goal; null when the ratio it needs could not be computed. */
    public Boolean met(double value, Double ratio) {
        if (onRatio && ratio == null) {
            return null;
        }
        double x = onRatio ? ratio : value;
        return atLeast ? x >= bound : x <= bound;
    }
}
