package io.dualhub.common;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/** Exponential backoff with jitter: the wait before a retry of something that failed {@code attempt} times before. */
public final class Backoff {
    private Backoff() {}

    /**
     * {@code first} doubling with each attempt (0 is the first retry) up to {@code max}, each drawn at random down to
     * half of it, so clients that failed together do not retry together.
     */
    public static Duration jittered(Duration first, Duration max, int attempt) {
        long d = Math.min(max.toMillis(), first.toMillis() << Math.min(attempt, 20));
        return Duration.ofMillis(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }
}
