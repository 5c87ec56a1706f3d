package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The weighted trend on lines whose slope is known. */
class TrendFitTest {
    @Test
    void anExactLineIsFittedExactly() {
        TrendFit fit = new TrendFit(3600);
        for (int i = 0; i < 100; i++) {
            fit.add(1_000_000 + i * 60.0, 0.2 + 1e-5 * i * 60);
        }
        TrendFit.Trend trend = fit.trend();
        assertThat(trend.slope()).isCloseTo(1e-5, within(1e-12));
        assertThat(trend.level()).isCloseTo(0.2 + 1e-5 * 99 * 60, within(1e-9));
        assertThat(trend.slopeError()).isCloseTo(0, within(1e-9));
    }

    @Test
    void aNoisyLineIsFittedWithinItsStatedError() {
        Random random = new Random(7);
        TrendFit fit = new TrendFit(6 * 3600);
        for (int i = 0; i < 2000; i++) {
            fit.add(i * 30.0, 0.5 + 2e-6 * i * 30 + 0.01 * random.nextGaussian());
        }
        TrendFit.Trend trend = fit.trend();
        assertThat(trend.slopeError()).isPositive();
        assertThat(trend.slope()).isCloseTo(2e-6, within(3 * trend.slopeError()));
        assertThat(trend.residualSd()).isCloseTo(0.01, within(0.002));
    }

    @Test
    void oldPointsLoseTheirSay() {
        TrendFit fit = new TrendFit(600);
        for (int i = 0; i < 600; i++) {
            fit.add(i * 10.0, i < 100 ? 0.9 - i * 1e-3 : 0.8 + (i - 100) * 1e-4); // falls, then rises slowly
        }
        assertThat(fit.trend().slope()).isCloseTo(1e-5, within(1e-6));
    }

    @Test
    void aDailyCycleIsSeparatedFromTheTrendOnceADayWasSeen() {
        TrendFit fit = new TrendFit(24 * 3600);
        for (int i = 0; i < 3 * 24 * 60; i++) {
            double t = 1_700_006_400.0 + i * 60; // midnight UTC, then a point a minute for three days
            fit.add(t, 0.5 + 1e-6 * i * 60 + 0.05 * Math.sin(2 * Math.PI * (t % 86_400) / 86_400));
        }
        TrendFit.Trend trend = fit.trend();
        assertThat(trend.slope()).isCloseTo(1e-6, within(1e-9));
        assertThat(trend.daySin()).isCloseTo(0.05, within(1e-6));
        assertThat(trend.at(trend.atSeconds() + 6 * 3600))
                .isCloseTo(
                        0.5
                                + 1e-6 * (3 * 86_400 - 60 + 6 * 3600)
                                + 0.05 * Math.sin(2 * Math.PI * ((trend.atSeconds() + 6 * 3600) % 86_400) / 86_400),
                        within(1e-6));
    }

    @Test
    void tooFewPointsGiveNoTrend() {
        TrendFit fit = new TrendFit(3600);
        fit.add(0, 1);
        fit.add(10, 2);
        assertThat(fit.trend()).isNull();
    }
}
