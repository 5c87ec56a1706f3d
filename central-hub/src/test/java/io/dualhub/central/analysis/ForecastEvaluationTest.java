package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The capacity forecasts on synthetic disks whose time to the limit is known. */
class ForecastEvaluationTest {
    @Test
    void aSteadilyFillingDiskIsForecastWithinAFewPercentAndInsideItsRange() {
        ForecastEvaluation.EtaErrors e = ForecastEvaluation.etaErrors(new ForecastEvaluation.Disk(0.001, 0.01, 0));
        assertThat(e.checks()).isGreaterThan(500);
        assertThat(e.median()).isLessThan(0.05);
        assertThat(e.covered()).isGreaterThan(0.9);
    }

    @Test
    void aDailySwingIsNotMistakenForTheTrendOnceADayWasSeen() {
        ForecastEvaluation.EtaErrors e = ForecastEvaluation.etaErrors(new ForecastEvaluation.Disk(0.005, 0.01, 0.03));
        assertThat(e.median()).isLessThan(0.05);
    }
}
