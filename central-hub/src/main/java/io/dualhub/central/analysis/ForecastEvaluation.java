package io.dualhub.central.analysis;

import io.dualhub.central.analysis.nab.NabSeries;
import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.wire.Point;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;

/**
 * {@code dualhub analyze forecast}: how good the capacity forecasts are. On synthetic disks filling at a known rate
 * (with noise and a daily cycle) it measures the error of the time-to-limit the CapacityForecaster states, and how
 * often the truth lies in its stated range; on NAB's machine series it measures the 1-hour-ahead error of the same
 * trend model against the naive forecast (MASE: below 1 beats "the value stays where it is").
 */
public final class ForecastEvaluation {
    private static final long MINUTE_MS = 60_000;
    private static final double START = 0.40;

    private ForecastEvaluation() {}

    /** One synthetic disk: fill rate per hour, noise (standard deviation) and daily swing, as fractions of size. */
    record Disk(double perHour, double noise, double dailySwing) {}

    /** The stated ETA's errors on one disk: median and 90th percentile relative error, share inside its range. */
    record EtaErrors(Disk disk, int checks, double median, double p90, double covered) {}

    static final List<Disk> DISKS = List.of(
            new Disk(0.001, 0.001, 0),
            new Disk(0.001, 0.01, 0),
            new Disk(0.005, 0.002, 0),
            new Disk(0.005, 0.01, 0.03),
            new Disk(0.02, 0.005, 0),
            new Disk(0.02, 0.01, 0.03));

    /** Prints the synthetic table; returns the median of the disks' median errors. */
    public static double synthetic(PrintStream out) {
        out.println(
                "time to the capacity limit on synthetic disks (one point a minute; checked hourly after 12 h; trend half-life "
                        + settings().trendHalfLife().toHours() + " h; the daily cycle is fitted once a day was seen):");
        out.println("  fill/h   noise   daily swing   checks   median error   p90 error   truth in range");
        List<Double> medians = new ArrayList<>();
        for (Disk disk : DISKS) {
            EtaErrors e = etaErrors(disk);
            medians.add(e.median());
            out.printf(
                    Locale.ROOT,
                    "  %5.1f %%  %5.1f %%  %9.1f %%  %7d  %11.1f %%  %8.1f %%  %12.0f %%%n",
                    disk.perHour() * 100,
                    disk.noise() * 100,
                    disk.dailySwing() * 100,
                    e.checks(),
                    e.median() * 100,
                    e.p90() * 100,
                    e.covered() * 100);
        }
        return percentile(medians, 0.5);
    }

    static EtaErrors etaErrors(Disk disk) {
        AnalysisSettings settings = settings();
        AnalysisSettings.CapacityRule rule = settings.capacity().get(0);
        CapacityForecaster forecaster = new CapacityForecaster(settings);
        double limit = settings.capacityLimit();
        Random random = new Random(42);
        List<Double> errors = new ArrayList<>();
        int covered = 0;
        for (long minute = 0; ; minute++) {
            double hours = minute / 60.0;
            double trueEtaHours = (limit - START - disk.perHour() * hours) / disk.perHour();
            if (trueEtaHours < 1) {
                break;
            }
            double fraction = START
                    + disk.perHour() * hours
                    + disk.noise() * random.nextGaussian()
                    + disk.dailySwing() * Math.sin(2 * Math.PI * hours / 24);
            long t = minute * MINUTE_MS;
            forecaster.observe("disk", Point.of(rule.size(), Map.of(), t, 1e12), true);
            Prediction p = forecaster.observe("disk", Point.of(rule.used(), Map.of(), t, fraction * 1e12), true);
            if (p != null && minute % 60 == 0 && hours >= 12) {
                double trueEta = trueEtaHours * 3600;
                errors.add(p.etaSeconds() < 0 ? 1.0 : Math.abs(p.etaSeconds() - trueEta) / trueEta);
                boolean inRange =
                        p.etaLowSeconds() <= trueEta && (p.etaHighSeconds() < 0 || p.etaHighSeconds() >= trueEta);
                covered += inRange ? 1 : 0;
            }
        }
        return new EtaErrors(
                disk,
                errors.size(),
                percentile(errors, 0.5),
                percentile(errors, 0.9),
                errors.isEmpty() ? 0 : covered / (double) errors.size());
    }

    /**
     * Prints the 1-hour-ahead MASE of the capacity trend model (as configured by default) per machine series and their
     * mean; returns the mean. Each series is read point by point: the forecast for t + 1 h uses only points up to t.
     */
    public static double machineSeries(List<NabSeries> series, PrintStream out) {
        out.println("1-hour-ahead error of the same trend model relative to the naive forecast (MASE; below 1 beats "
                + "\"no change\"), NAB machine series:");
        List<Double> all = new ArrayList<>();
        for (NabSeries s : series) {
            double mase = mase(s, 3600, settings().trendHalfLife().toSeconds());
            if (!Double.isNaN(mase)) {
                all.add(mase);
                out.printf(Locale.ROOT, "  %-60s %6.3f%n", s.name(), mase);
            }
        }
        double mean = all.stream().mapToDouble(Double::doubleValue).average().orElse(Double.NaN);
        out.printf(Locale.ROOT, "  mean over %d series: %.3f (median %.3f)%n", all.size(), mean, percentile(all, 0.5));
        return mean;
    }

    static double mase(NabSeries s, long horizonSeconds, double halfLife) {
        long[] t = s.epochSeconds();
        double[] v = s.values();
        TrendFit fit = new TrendFit(halfLife);
        double modelError = 0;
        double naiveError = 0;
        int ahead = 0;
        for (int i = 0; i < v.length; i++) {
            fit.add(t[i], v[i]);
            while (ahead < v.length && t[ahead] < t[i] + horizonSeconds) {
                ahead++;
            }
            TrendFit.Trend trend = fit.trend();
            if (i >= s.probationRows() && ahead < v.length && t[ahead] == t[i] + horizonSeconds && trend != null) {
                modelError += Math.abs(v[ahead] - trend.at(t[ahead]));
                naiveError += Math.abs(v[ahead] - v[i]);
            }
        }
        return naiveError > 0 ? modelError / naiveError : Double.NaN;
    }

    /** The CentralHub's default analysis settings: the evaluation measures what runs by default. */
    private static AnalysisSettings settings() {
        return CentralConfig.load(null, Map.of()).analysis();
    }

    private static double percentile(List<Double> values, double q) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get((int) Math.min(sorted.size() - 1, Math.floor(q * sorted.size())));
    }
}
