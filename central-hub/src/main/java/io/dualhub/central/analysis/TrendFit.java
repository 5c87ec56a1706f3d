package io.dualhub.central.analysis;

/**
 * A straight line through a series' recent past, weighted so that a point's say halves every {@code halfLife}
 * seconds: level now, slope, and their uncertainty. Constant work per point — running weighted sums, with time
 * measured from the newest point so they stay precise.
 */
final class TrendFit {
    private final double decayPerSecond;
    private double latest = Double.NaN;
    private double s0;
    private double s0sq;
    private double st;
    private double stt;
    private double sy;
    private double sty;
    private double syy;

    TrendFit(double halfLifeSeconds) {
        this.decayPerSecond = Math.log(2) / halfLifeSeconds;
    }

    void add(double epochSeconds, double value) {
        if (!Double.isNaN(latest)) {
            double shift = epochSeconds - latest;
            if (shift < 0) {
                return;  // out of order: the fit only moves forward in time
            }
            double w = Math.exp(-decayPerSecond * shift);
            // re-centre on the new point (t -> t - shift), then decay
            stt = w * (stt - 2 * shift * st + shift * shift * s0);
            sty = w * (sty - shift * sy);
            st = w * (st - shift * s0);
            s0 = w * s0;
            s0sq = w * w * s0sq;
            sy = w * sy;
            syy = w * syy;
        }
        latest = epochSeconds;
        s0 += 1;
        s0sq += 1;
        sy += value;
        syy += value * value;
    }

    /** The fitted line at the newest point, or null with fewer than three effective points or no time spread. */
    Trend trend() {
        double spread = stt - st * st / s0;
        double effective = s0 * s0 / s0sq;
        if (Double.isNaN(latest) || effective < 3 || spread <= 0) {
            return null;
        }
        double slope = (sty - st * sy / s0) / spread;
        double level = (sy - slope * st) / s0;
        double sse = Math.max(0, syy - level * sy - slope * sty);
        double residualVariance = sse / s0 * effective / (effective - 2);
        // the weights sum to more than the points they stand for: scale the spread down to the effective count
        double slopeError = Math.sqrt(residualVariance / spread * s0 / effective);
        return new Trend(latest, level, slope, slopeError, Math.sqrt(residualVariance));
    }

    /**
     * A fitted line.
     *
     * @param atSeconds   the newest point's time, where {@code level} is the fitted value
     * @param slope       change per second
     * @param slopeError  standard error of the slope
     * @param residualSd  spread of the points around the line
     */
    record Trend(double atSeconds, double level, double slope, double slopeError, double residualSd) {
        double at(double epochSeconds) {
            return level + slope * (epochSeconds - atSeconds);
        }
    }
}
