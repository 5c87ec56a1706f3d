package io.dualhub.central.ingest;

import java.time.Clock;
import java.time.Duration;

/**
 * The failing store's retry schedule: commit failures in a row and since when. Failures are counted and cleared by
 * the ingest thread alone; {@link #failingForMs()} is read by /health.
 */
final class StoreBackoff {
    private static final Duration FIRST = Duration.ofSeconds(1);
    private static final Duration MAX = Duration.ofSeconds(30);
    private final Clock clock;
    private int failures; // in a row, owned by the ingest thread
    private volatile long failingSinceMs = -1; // when the first of them came, -1 while the store commits

    StoreBackoff(Clock clock) {
        this.clock = clock;
    }

    /**
     * The pause after the n-th commit failure in a row: a failing store (a full disk is not freed in a second) is
     * retried after 1, 2, 4 ... s, at most 30 s.
     */
    static Duration after(int failures) {
        if (failures < 1) {
            throw new IllegalStateException("BUG: a store backoff after " + failures + " failures");
        }
        return Duration.ofNanos(Math.min(MAX.toNanos(), FIRST.toNanos() << Math.min(failures - 1, 5)));
    }

    /** When messages that failed to commit now are to come again: when the retry after this failure is due. */
    Duration nextRetry() {
        return after(failures + 1);
    }

    /** A commit failed: counted, and the pause before the next try returned. */
    Duration failed() {
        if (failures++ == 0) {
            failingSinceMs = clock.millis();
        }
        return after(failures);
    }

    /** The store committed (or had nothing to commit): the next failure is a first one again. */
    void succeeded() {
        failures = 0;
        failingSinceMs = -1;
    }

    /** How long every commit has failed, without one succeeding in between; 0 while the store commits. */
    long failingForMs() {
        long since = failingSinceMs;
        return since < 0 ? 0 : Math.max(0, clock.millis() - since);
    }
}
