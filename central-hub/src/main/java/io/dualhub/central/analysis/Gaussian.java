package io.dualhub.central.analysis;

/** Normal-distribution tails (Abramowitz–Stegun erfc, relative error below 1.2e-7) on a log scale. */
final class Gaussian {
    private Gaussian() {
    }

    /** -log10 P(|X| >= z) for a standard normal X; the asymptotic form where the probability underflows. */
    static double surprise(double z) {
        double x = Math.abs(z);
        return x < 30 ? -Math.log10(Math.max(erfc(x / Math.sqrt(2)), Double.MIN_NORMAL)) : x * x / 2 / Math.log(10);
    }

    static double erfc(double x) {
        double t = 1 / (1 + 0.5 * Math.abs(x));
        double y = t * Math.exp(-x * x - 1.26551223 + t * (1.00002368 + t * (0.37409196 + t * (0.09678418
                + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587
                + t * (-0.82215223 + t * 0.17087277)))))))));
        return x >= 0 ? y : 2 - y;
    }
}
