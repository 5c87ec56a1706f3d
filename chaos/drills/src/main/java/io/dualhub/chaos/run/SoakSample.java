package io.dualhub.chaos.run;

import java.util.List;

/**
 * One figure of one process at one moment of a soak. {@code pid} tells the process's lives apart: a process a fault
 * killed comes back with another, and its figures start again from there.
 */
record SoakSample(long atMs, String process, long pid, String figure, double value) {
    /** The figure of one thread pool's threads is this and the pool's name ({@link #pool()}). */
    static final String POOL = "threads/";

    /** The thread pool this sample counts, or null when it is another figure. */
    String pool() {
        return figure.startsWith(POOL) ? figure.substring(POOL.length()) : null;
    }

    /**
     * The figure's trend per hour over the samples: the least-squares slope with a level of its own for each life
     * of the process (each pid), so a restart's drop or jump is not read as a trend. {@code NaN} when no life has
     * two samples at different times.
     */
    static double slopePerHour(List<SoakSample> samples) {
        double covariance = 0;
        double variance = 0;
        for (long pid : samples.stream().mapToLong(SoakSample::pid).distinct().toArray()) {
            List<SoakSample> life = samples.stream().filter(s -> s.pid() == pid).toList();
            double meanT = life.stream()
                    .mapToDouble(s -> s.atMs() / 3_600_000.0)
                    .average()
                    .orElse(0);
            double meanV =
                    life.stream().mapToDouble(SoakSample::value).average().orElse(0);
            for (SoakSample s : life) {
                double dt = s.atMs() / 3_600_000.0 - meanT;
                covariance += dt * (s.value() - meanV);
                variance += dt * dt;
            }
        }
        return variance == 0 ? Double.NaN : covariance / variance;
    }
}
