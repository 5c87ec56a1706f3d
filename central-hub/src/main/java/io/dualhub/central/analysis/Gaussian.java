package io.dualhub.central.analysis;

/** Normal-distribution tails (Abramowitz–Stegun erfc, relative error below 1.2e-7) on a log scale. */
final class Gaussian {
    /** The erfc fit's coefficients of t, t^2, ... t^9 (its constant term, -1.26551223, stands apart). */
    private static final double[] ERFC_T = {
        1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277
    };

    private Gaussian() {}

    /** -log10 P(|X| >= z) for a standard normal X; the asymptotic form where the probability underflows. */
    static double surprise(double z) {
        double x = Math.abs(z);
        return x < 30 ? -Math.log10(Math.max(erfc(x / Math.sqrt(2)), Double.MIN_NORMAL)) : x * x / 2 / Math.log(10);
    }

    static double erfc(double x) {
        double t = 1 / (1 + 0.5 * Math.abs(x));
        double p = ERFC_T[ERFC_T.length - 1];
        for (int i = ERFC_T.length - 2; i >= 0; i--) {
            p = ERFC_T[i] + t * p; // Horner's rule, in the order the nested form multiplies
        }
        double y = t * Math.exp(-x * x - 1.26551223 + t * p);
        return x >= 0 ? y : 2 - y;
    }
}
