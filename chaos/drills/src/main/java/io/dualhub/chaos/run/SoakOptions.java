package io.dualhub.chaos.run;

import io.dualhub.common.config.Settings;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The flags of {@code ./dualhub soak} ({@link SoakMain}), each bound checked once here.
 *
 * @param duration    how long the soak runs at least (a fault started before its end runs to its own end)
 * @param edges       edge agents in the chaos topology
 * @param rate        points per second over all edges
 * @param faultEvery  one random fault of the chaos catalogue starts this often
 * @param sampleEvery every process is sampled this often
 * @param warmup      samples before this are left out of the slopes (JVMs warming up, caches filling)
 * @param reportDir   where soak.md and soak.json go
 * @param seed        of the random choice of faults, so a run can be repeated
 */
record SoakOptions(
        Duration duration,
        int edges,
        int rate,
        Duration faultEvery,
        Duration sampleEvery,
        Duration warmup,
        Path reportDir,
        long seed) {
    static final Duration DEFAULT_DURATION = Duration.ofHours(1);
    static final int DEFAULT_EDGES = 5;
    /**
     * Per edge: ten times the default host-metrics load of a server (about 100 points every 10 s: CPU per core,
     * memory, load, each filesystem, disk and interface).
     */
    static final int DEFAULT_RATE_PER_EDGE = 100;

    static final Duration DEFAULT_FAULT_EVERY = Duration.ofMinutes(3);
    static final Duration DEFAULT_SAMPLE_EVERY = Duration.ofMinutes(1);
    /** The warm-up left out of the slopes, at most; a shorter soak leaves out its first third. */
    static final Duration DEFAULT_WARMUP = Duration.ofMinutes(10);

    SoakOptions {
        if (duration.compareTo(Duration.ofMinutes(2)) < 0) {
            throw new IllegalArgumentException("--duration " + Settings.text(duration) + " is too short: at least 2m");
        }
        if (edges < 1 || edges > 10) {
            throw new IllegalArgumentException("--edges " + edges + " is out of range: 1 to 10 edges");
        }
        if (rate < 10 * edges || rate > 200_000) {
            throw new IllegalArgumentException("--rate " + rate + " is out of range: at least 10 points/s per edge ("
                    + 10 * edges + " for " + edges + " edges), at most 200000");
        }
        if (faultEvery.compareTo(Duration.ofSeconds(30)) < 0 || faultEvery.compareTo(duration) > 0) {
            throw new IllegalArgumentException(
                    "--fault-every " + Settings.text(faultEvery) + " is out of range: at least 30s"
                            + " (a fault, its recovery and the count take that), at most the duration ("
                            + Settings.text(duration)
                            + ")");
        }
        if (sampleEvery.compareTo(Duration.ofSeconds(5)) < 0 || sampleEvery.compareTo(duration) > 0) {
            throw new IllegalArgumentException(
                    "--sample-every " + Settings.text(sampleEvery) + " is out of range: from 5s to" + " the duration");
        }
        if (warmup.compareTo(duration.dividedBy(2)) > 0) {
            throw new IllegalArgumentException("--warmup " + Settings.text(warmup)
                    + " is too long: at most half the duration" + " (slopes need samples after it)");
        }
    }

    /**
     * The options from the flags given; {@code rate} and {@code warmup} null for their defaults (per edge, and a
     * third of a short soak), {@code seed} null for one of its own.
     */
    static SoakOptions of(
            Duration duration,
            int edges,
            Integer rate,
            Duration faultEvery,
            Duration sampleEvery,
            Duration warmup,
            Path reportDir,
            Long seed) {
        Duration defaultWarmup =
                duration.dividedBy(3).compareTo(DEFAULT_WARMUP) < 0 ? duration.dividedBy(3) : DEFAULT_WARMUP;
        return new SoakOptions(
                duration,
                edges,
                rate == null ? DEFAULT_RATE_PER_EDGE * edges : rate,
                faultEvery,
                sampleEvery,
                warmup == null ? defaultWarmup : warmup,
                reportDir,
                seed == null ? System.nanoTime() : seed);
    }
}
