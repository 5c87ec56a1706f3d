package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The step from the previous point against the usual steps. */
class StepChangeTest {
    @Test
    void theFirstPointHasNoStep() {
        assertThat(new StepChange(0.01, 10).add(1e9)).isZero();
    }

    @Test
    void aUsualStepIsOrdinaryAndAJumpIsNot() {
        StepChange steps = new StepChange(0.01, 10);
        double value = 0;
        for (int i = 0; i < 500; i++) {
            value += i % 2 == 0 ? 1 : 3; // steps of 1 and 3: mean 2, deviation 1
            steps.add(value);
        }
        assertThat(steps.add(value + 3)).isCloseTo(1, within(0.1));
        assertThat(steps.add(value + 3 + 12))
                .as("a step of 12: ten usual deviations")
                .isGreaterThan(8);
    }

    @Test
    void aDropIsAsUnusualAsAJump() {
        StepChange steps = new StepChange(0.01, 10);
        for (int i = 0; i < 500; i++) {
            steps.add(i % 2 == 0 ? 0 : 1);
        }
        assertThat(steps.add(-20)).isLessThan(-10);
    }
}
