package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** A failing store is retried after 1, 2, 4 ... s, at most 30 s, and how long it has failed is told on the clock. */
class StoreBackoffTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final StoreBackoff backoff = new StoreBackoff(clock);

    @Test
    void theRetryDoublesUpToThirtySecondsAndASuccessStartsOver() {
        assertThat(backoff.nextRetry()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.failed()).isEqualTo(Duration.ofSeconds(1));
        assertThat(backoff.nextRetry())
                .as("messages of the next failed commit come again then")
                .hasSeconds(2);
        assertThat(backoff.failed()).hasSeconds(2);
        assertThat(backoff.failed()).hasSeconds(4);
        assertThat(backoff.failed()).hasSeconds(8);
        assertThat(backoff.failed()).hasSeconds(16);
        assertThat(backoff.failed()).hasSeconds(30);
        assertThat(backoff.failed()).hasSeconds(30);
        backoff.succeeded();
        assertThat(backoff.failed()).hasSeconds(1);
    }

    @Test
    void failingTimeRunsFromTheFirstFailureInARowUntilASuccess() {
        assertThat(backoff.failingForMs()).isZero();
        backoff.failed();
        clock.advance(Duration.ofSeconds(3));
        backoff.failed();
        clock.advance(Duration.ofSeconds(2));
        assertThat(backoff.failingForMs()).isEqualTo(5_000);
        backoff.succeeded();
        assertThat(backoff.failingForMs()).isZero();
    }

    @Test
    void aBackoffBeforeAnyFailureIsABug() {
        assertThatThrownBy(() -> StoreBackoff.after(0)).hasMessageStartingWith("BUG: ");
    }
}
