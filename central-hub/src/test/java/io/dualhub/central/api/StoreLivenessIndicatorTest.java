package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class StoreLivenessIndicatorTest {
    @Test
    void aStoreFailingForTheLimitMakesTheHubNotAlive() {
        Duration fiveMinutes = Duration.ofMinutes(5);
        assertThat(StoreLivenessIndicator.live(0, fiveMinutes)).as("committing").isTrue();
        assertThat(StoreLivenessIndicator.live(fiveMinutes.toMillis() - 1, fiveMinutes))
                .isTrue();
        assertThat(StoreLivenessIndicator.live(fiveMinutes.toMillis(), fiveMinutes))
                .isFalse();
        assertThat(StoreLivenessIndicator.live(Long.MAX_VALUE, Duration.ZERO))
                .as("0: never")
                .isTrue();
    }
}
