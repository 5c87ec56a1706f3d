package io.dualhub.bench;

/**
 * One measured figure beside its reference from the same run: {@code ratio} is value / reference (null without a
 * reference), {@code goal} and {@code met} are null for figures that are reported, not judged.
 */
public record Result(String name, double value, String unit, Double reference, Double ratio, String goal, Boolean met) {

    /** A figure with its reference and goal (either may be null). */
    public static Result of(String name, double value, String unit, Double reference, Goal goal) {
        Double ratio = reference == null || reference == 0 ? null : value / reference;
        return new Result(
                name,
                value,
                unit,
                reference,
                ratio,
                goal == null ? null : goal.text(),
                goal == null ? null : goal.met(value, ratio));
    }
}
