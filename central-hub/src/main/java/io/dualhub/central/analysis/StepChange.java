package io.dualhub.central.analysis;

/**
 * How big the step from the previous point is against the series' usual steps: a sudden jump or drop that stays
 * inside the usual range (so neither the point nor a recent mean stands out yet) is still a step this series rarely
 * takes.
 */
final class StepChange {
    private final LevelBaseline steps;
    private double previous = Double.NaN;

    StepChange(double alpha, int warmup) {
        this.steps = new LevelBaseline(alpha, warmup);
    }

    /** Adds the point; returns the step from the previous one in usual-step deviations, 0 for the first point. */
    double add(double value) {
        if (Double.isNaN(previous)) {
            previous = value;
            return 0;
        }
        double step = value - previous;
        double deviation = steps.deviation(step);
        steps.learn(step);
        previous = value;
        return deviation;
    }
}
