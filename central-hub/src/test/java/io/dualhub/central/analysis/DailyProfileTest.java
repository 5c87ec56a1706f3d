package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** The usual value at each time of day, compared with only once a slot has seen enough days. */
class DailyProfileTest {
    private static final long NOON = 1_600_000_000L - 1_600_000_000L % 86_400 + 43_200;

    @Test
    void aSlotIsComparedWithOnlyAfterItsDays() {
        DailyProfile profile = new DailyProfile(1800, 0.2, 5);
        for (int day = 0; day < 4; day++) {
            profile.learn(NOON + day * 86_400L, 10 + day % 2);
        }
        assertThat(profile.knows(NOON + 4 * 86_400L)).as("four days seen").isFalse();
        profile.learn(NOON + 4 * 86_400L, 10);
        assertThat(profile.knows(NOON + 5 * 86_400L)).as("five days seen").isTrue();
        assertThat(profile.knows(NOON + 5 * 86_400L + 3600))
                .as("another time of day")
                .isFalse();
    }

    @Test
    void theDeviationIsInResidualSpreadsFromTheUsualValue() {
        DailyProfile profile = new DailyProfile(1800, 0.2, 1);
        for (int day = 0; day < 200; day++) {
            profile.learn(NOON + day * 86_400L, day % 2 == 0 ? 9 : 11); // residuals about ±1 around about 10
        }
        assertThat(profile.deviation(NOON + 200 * 86_400L, 10)).isCloseTo(0, within(0.3));
        assertThat(profile.deviation(NOON + 200 * 86_400L, 20)).isGreaterThan(6);
    }
}
