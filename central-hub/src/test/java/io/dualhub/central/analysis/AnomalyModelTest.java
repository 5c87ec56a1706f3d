package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Arrays;
import java.util.Random;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** The anomaly model on series whose anomalies are known: noise with a spike, a level shift, a broken daily cycle. */
class AnomalyModelTest {
    private static final long START = 1_600_000_000L - 1_600_000_000L % 86_400;
    private static final int STEP = 300;
    private static final double ALERT = AnomalySettings.DEFAULTS.alertLevel();

    @Test
    void aSpikeInNoiseIsTheOneAlert() {
        double[] series = noise(3000, 50, 1, 1);
        series[2000] += 15;
        double[] scores = run(series);
        assertThat(scores[2000]).isGreaterThanOrEqualTo(ALERT).isEqualTo(max(scores, 0, scores.length));
    }

    /** Past the range a series has covered by more than its tolerance (2.5 % of 10 here): a score of at least 0.7. */
    @Test
    void aValueBeyondTheRangeSeenSoFarScoresAtLeastTheOutOfRangeScore() {
        double floor = AnomalySettings.DEFAULTS.outOfRangeScore();
        assertThat(lastScoreAfterSquareWave(11)).isGreaterThanOrEqualTo(floor);
        assertThat(lastScoreAfterSquareWave(-1)).isGreaterThanOrEqualTo(floor);
        assertThat(lastScoreAfterSquareWave(10.2)).as("within the tolerance").isLessThan(floor);
    }

    /** The score of {@code value} after 1,000 points alternating between 0 and 10. */
    private static double lastScoreAfterSquareWave(double value) {
        double[] series = new double[1001];
        for (int i = 0; i < 1000; i++) {
            series[i] = i % 2 == 0 ? 0 : 10;
        }
        series[1000] = value;
        double[] scores = run(series);
        return scores[1000];
    }

    @Test
    void aLevelShiftAlertsOnceNotOncePerShiftedPoint() {
        double[] series = noise(3000, 50, 1, 2);
        for (int i = 2000; i < 3000; i++) {
            series[i] += 4;
        }
        double[] scores = run(series);
        int first = firstAlertFrom(scores, 2000);
        assertThat(first).isBetween(2000, 2010);
        assertThat(max(scores, first + 1, first + AnomalySettings.DEFAULTS.quietPoints()))
                .isLessThan(ALERT);
    }

    @Test
    void aSeriesThatTurnsFlatIsFoundAtTheSameLevel() {
        double[] series = noise(3000, 50, 2, 6);
        for (int i = 2000; i < 3000; i++) {
            series[i] = 50 + 0.01 * (i % 3); // a sensor stuck near its mean: no point is unusual on its own
        }
        double[] scores = run(series);
        assertThat(firstAlertFrom(scores, 1500)).isBetween(2000, 2060);
    }

    @Test
    void aDailyCycleThatBreaksIsFoundAtANormalLevel() {
        int perDay = 86_400 / STEP;
        double[] series = noise(perDay * 14, 0, 0.5, 3);
        for (int i = 0; i < series.length; i++) {
            series[i] += 50 + 20 * Math.sin(2 * Math.PI * i / perDay);
        }
        int broken = perDay * 12 + perDay / 4; // the daily peak: flat at the mean instead
        for (int i = broken; i < broken + 24; i++) {
            series[i] = 50 + new Random(i).nextGaussian() * 0.5;
        }
        double[] scores = run(series);
        assertThat(firstAlertFrom(scores, perDay * 11)).isBetween(broken, broken + 24);
        double atBreak = max(scores, broken, broken + 24);
        assertThat(atBreak)
                .isGreaterThan(max(scores, broken + 24 + AnomalySettings.DEFAULTS.quietPoints(), series.length));
    }

    /**
     * A slow wave (period 1,000 points) that skips a quarter of its period at once: every value stays inside the
     * usual range and no recent mean is out of place, but no step of the wave was ever that large.
     */
    @Test
    void aJumpInsideTheUsualRangeIsFound() {
        double[] series = noise(3000, 0, 0.1, 7);
        int jump = 2100; // near the wave's mean, jumping to its crest
        for (int i = 0; i < series.length; i++) {
            series[i] += 50 + 40 * Math.sin(2 * Math.PI * (i + (i >= jump ? 250 : 0)) / 1000);
        }
        double[] scores = run(series);
        assertThat(firstAlertFrom(scores, 1500)).isEqualTo(jump);
    }

    @Test
    void pureNoiseRarelyAlerts() {
        double[] scores = run(noise(20_000, 50, 1, 5));
        long alerts = Arrays.stream(scores).filter(s -> s >= ALERT).count();
        assertThat(alerts).isLessThan(40); // the default alert level is a tail probability of about 1e-4 per deviation
    }

    @Test
    void nothingIsScoredDuringWarmUp() {
        double[] series = noise(200, 50, 1, 4);
        series[100] += 100;
        double[] scores = run(series);
        for (int i = 0; i < AnomalySettings.DEFAULTS.warmupPoints(); i++) {
            assertThat(scores[i]).isZero();
        }
    }

    @Test
    void settingsNameTheInvalidValue() {
        assertThatThrownBy(() -> AnomalySettings.custom().levelAlpha(2).build())
                .hasMessageContaining("levelAlpha must be in [0, 1], got 2.0");
        assertThatThrownBy(() -> AnomalySettings.custom().profileBucket(7).build())
                .hasMessageContaining("profileBucket must divide a day");
    }

    private static double[] noise(int n, double mean, double sd, long seed) {
        Random random = new Random(seed);
        double[] series = new double[n];
        for (int i = 0; i < n; i++) {
            series[i] = mean + sd * random.nextGaussian();
        }
        return series;
    }

    private static double[] run(double[] series) {
        AnomalyModel model = new AnomalyModel(AnomalySettings.DEFAULTS);
        double[] scores = new double[series.length];
        for (int i = 0; i < series.length; i++) {
            scores[i] = model.score(START + (long) i * STEP, series[i]);
        }
        return scores;
    }

    private static int firstAlertFrom(double[] scores, int from) {
        return IntStream.range(from, scores.length)
                .filter(i -> scores[i] >= ALERT)
                .findFirst()
                .orElse(-1);
    }

    private static double max(double[] scores, int from, int to) {
        return Arrays.stream(scores, from, Math.min(to, scores.length)).max().orElse(0);
    }
}
