package io.dualhub.central.analysis;

/**
 * A straight line plus a daily cycle through a series' recent past, weighted so that a point's say halves every
 * {@code halfLife} seconds: the level now, the slope, the cycle, and the slope's uncertainty. The daily terms join
 * once a day of data has been seen (before that they cannot be told apart from the line). Constant work per point:
 * running weighted sums of the normal equations, with time measured from the newest point so they stay precise.
 */
final class TrendFit {
    private static final double DAY = 86_400;
    private static final int TERMS = 4; // 1, t, sin(day), cos(day)
    private final double decayPerSecond;
    private final double[][] xx = new double[TERMS][TERMS];
    private final double[] xy = new double[TERMS];
    private double yy;
    private double weightSquares;
    private double first = Double.NaN;
    private double latest = Double.NaN;

    TrendFit(double halfLifeSeconds) {
        this.decayPerSecond = Math.log(2) / halfLifeSeconds;
    }

    void add(double epochSeconds, double value) {
        if (!Double.isNaN(latest)) {
            double shift = epochSeconds - latest;
            if (shift < 0) {
                return; // out of order: the fit only moves forward in time
            }
            recentre(shift);
            decay(Math.exp(-decayPerSecond * shift));
        } else {
            first = epochSeconds;
        }
        latest = epochSeconds;
        double[] x = terms(epochSeconds, 0);
        for (int i = 0; i < TERMS; i++) {
            for (int j = 0; j < TERMS; j++) {
                xx[i][j] += x[i] * x[j];
            }
            xy[i] += x[i] * value;
        }
        yy += value * value;
        weightSquares += 1;
    }

    /** Seconds from the first point to the newest; 0 before any. */
    double span() {
        return Double.isNaN(latest) ? 0 : latest - first;
    }

    /** The fit at the newest point, or null with fewer than three effective points or no time spread. */
    Trend trend() {
        int terms = latest - first >= DAY ? TERMS : 2;
        double weights = xx[0][0];
        double effective = weights * weights / weightSquares;
        double[][] inverse = Double.isNaN(latest) || effective < terms + 1 ? null : invert(xx, terms);
        if (inverse == null) {
            return null;
        }
        double[] beta = new double[TERMS];
        double explained = 0;
        for (int i = 0; i < terms; i++) {
            for (int j = 0; j < terms; j++) {
                beta[i] += inverse[i][j] * xy[j];
            }
            explained += beta[i] * xy[i];
        }
        double residualVariance = Math.max(0, yy - explained) / weights * effective / (effective - terms);
        // the weights sum to more than the points they stand for: scale to the effective count
        double slopeError = Math.sqrt(Math.max(0, residualVariance * inverse[1][1] * weights / effective));
        return new Trend(latest, beta[0], beta[1], beta[2], beta[3], slopeError, Math.sqrt(residualVariance));
    }

    /**
     * A fitted line with its daily cycle.
     *
     * @param atSeconds  the newest point's time, where {@code level} is the line's value
     * @param slope      change per second
     * @param daySin     amplitude of the daily sine term (0 before a day was seen)
     * @param dayCos     amplitude of the daily cosine term
     * @param slopeError standard error of the slope
     * @param residualSd spread of the points around the fit
     */
    record Trend(
            double atSeconds,
            double level,
            double slope,
            double daySin,
            double dayCos,
            double slopeError,
            double residualSd) {
        /** The line and the cycle at {@code epochSeconds}. */
        double at(double epochSeconds) {
            double[] x = terms(epochSeconds, epochSeconds - atSeconds);
            return level + slope * x[1] + daySin * x[2] + dayCos * x[3];
        }
    }

    private static double[] terms(double epochSeconds, double fromLatest) {
        double phase = 2 * Math.PI * (epochSeconds % DAY) / DAY;
        return new double[] {1, fromLatest, Math.sin(phase), Math.cos(phase)};
    }

    /** Moves the time origin forward by {@code shift}: the t term of every sum becomes t - shift. */
    private void recentre(double shift) {
        for (int j = 0; j < TERMS; j++) {
            xx[1][j] -= shift * xx[0][j];
        }
        for (int i = 0; i < TERMS; i++) {
            xx[i][1] -= shift * xx[i][0];
        }
        xy[1] -= shift * xy[0];
    }

    private void decay(double w) {
        for (double[] row : xx) {
            for (int j = 0; j < TERMS; j++) {
                row[j] *= w;
            }
        }
        for (int i = 0; i < TERMS; i++) {
            xy[i] *= w;
        }
        yy *= w;
        weightSquares *= w * w;
    }

    /** Inverse of the leading {@code n} x {@code n} block (Gauss-Jordan with pivoting); null if singular. */
    private static double[][] invert(double[][] matrix, int n) {
        double[][] a = new double[n][2 * n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(matrix[i], 0, a[i], 0, n);
            a[i][n + i] = 1;
        }
        for (int col = 0; col < n; col++) {
            int pivot = col;
            for (int r = col + 1; r < n; r++) {
                if (Math.abs(a[r][col]) > Math.abs(a[pivot][col])) {
                    pivot = r;
                }
            }
            if (Math.abs(a[pivot][col]) < 1e-12 * Math.max(1, Math.abs(matrix[col][col]))) {
                return null;
            }
            double[] swap = a[col];
            a[col] = a[pivot];
            a[pivot] = swap;
            double p = a[col][col];
            for (int j = 0; j < 2 * n; j++) {
                a[col][j] /= p;
            }
            for (int r = 0; r < n; r++) {
                if (r != col && a[r][col] != 0) {
                    double f = a[r][col];
                    for (int j = 0; j < 2 * n; j++) {
                        a[r][j] -= f * a[col][j];
                    }
                }
            }
        }
        double[][] inverse = new double[n][n];
        for (int i = 0; i < n; i++) {
            System.arraycopy(a[i], n, inverse[i], 0, n);
        }
        return inverse;
    }
}
