package io.dualhub.central.analysis;

/**
 * The usual value at each time of day (one slot per bucket of seconds, following new days at a set rate) and the
 * spread of values around it: how far a point sits from what this time of day usually looks like. A slot is compared
 * with only once it has seen a few days: a usual value made of one or two days is mostly those days' noise, and its
 * residuals would teach the spread (and the deviation's tail) what an unsettled profile looks like.
 */
final class DailyProfile {
    private static final double MIN_SPREAD_ALPHA = 0.01;
    private final int bucketSeconds;
    private final double alpha;
    private final int daysBeforeUse;
    private final double[] usual;
    private final int[] days;
    private double residualVariance;
    private long residuals;

    DailyProfile(int bucketSeconds, double alpha, int daysBeforeUse) {
        this.bucketSeconds = bucketSeconds;
        this.alpha = alpha;
        this.daysBeforeUse = daysBeforeUse;
        this.usual = new double[86_400 / bucketSeconds];
        this.days = new int[usual.length];
    }

    /** True once this time of day has been seen on enough days that its usual value can be compared with. */
    boolean knows(long epochSeconds) {
        return days[slot(epochSeconds)] >= daysBeforeUse;
    }

    /** Deviation from the usual value at this time of day, in residual standard deviations. */
    double deviation(long epochSeconds, double value) {
        double spread = Math.sqrt(residualVariance);
        return spread > 0 ? (value - usual[slot(epochSeconds)]) / spread : 0;
    }

    void learn(long epochSeconds, double value) {
        int slot = slot(epochSeconds);
        if (days[slot] >= daysBeforeUse) {
            double residual = value - usual[slot];
            residuals++;
            double a = Math.max(1.0 / residuals, MIN_SPREAD_ALPHA);
            residualVariance = (1 - a) * residualVariance + a * residual * residual;
        }
        usual[slot] = days[slot] == 0 ? value : usual[slot] + alpha * (value - usual[slot]);
        days[slot]++;
    }

    private int slot(long epochSeconds) {
        return (int) (Math.floorMod(epochSeconds, 86_400L) / bucketSeconds);
    }
}
