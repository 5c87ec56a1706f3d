package io.dualhub.jmh;

import io.dualhub.central.analysis.AnomalyModel;
import io.dualhub.central.analysis.AnomalySettings;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The central hub's anomaly model, per point: one long-lived model scoring a 5-minute series with a daily cycle,
 * noise and an occasional spike, so every deviation, the tails and the damping are exercised as they are online.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 2, time = 3)
@Measurement(iterations = 3, time = 5)
@Fork(1)
@OperationsPerInvocation(AnomalyModelBench.POINTS)
public class AnomalyModelBench {
    static final int POINTS = 10_000;
    private static final long STEP_SECONDS = 300;
    private final double[] values = new double[POINTS];
    private AnomalyModel model;
    private long epochSeconds = 1_700_000_000L;

    @Setup
    public void setUp() {
        SplittableRandom random = new SplittableRandom(21);
        for (int i = 0; i < POINTS; i++) {
            double day = Math.sin(2 * Math.PI * i * STEP_SECONDS / 86_400.0);
            double spike = random.nextInt(500) == 0 ? 8 : 0;
            values[i] = 50 + 10 * day + random.nextDouble(-2, 2) + spike;
        }
        model = new AnomalyModel(AnomalySettings.DEFAULTS);
        for (double value : values) {
            model.score(epochSeconds += STEP_SECONDS, value); // past warm-up, with a full daily profile
        }
    }

    @Benchmark
    public double score() {
        double sum = 0;
        for (double value : values) {
            sum += model.score(epochSeconds += STEP_SECONDS, value);
        }
        return sum;
    }
}
