package io.dualhub.common.logging;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Decides whether something that repeats is worth saying again: the first time a key occurs, and then at most once
 * per {@code quiet}, with how often it repeated in between. Bounded: at most {@code maxKeys} keys are remembered
 * (past that the oldest quiet period is forgotten, so a key seen again is said again, never lost in silence).
 * Thread-safe.
 */
public final class LogThrottle {
    /**
     * What the throttle decided: say it or not; whether this is the first time (as far as the throttle remembers);
     * and how often it occurred unsaid since it was last said.
     */
    public record Verdict(boolean say, boolean first, long repeats) {}

    private static final Verdict QUIET = new Verdict(false, false, 0);
    private final long quietNanos;
    private final int maxKeys;
    private final LongSupplier nanoTicker;
    private final Map<String, long[]> seen = new HashMap<>(); // key -> {last said at, repeats since}

    public LogThrottle(Duration quiet, int maxKeys, LongSupplier nanoTicker) {
        this.quietNanos = quiet.toNanos();
        this.maxKeys = maxKeys;
        this.nanoTicker = nanoTicker;
    }

    public synchronized Verdict occurred(String key) {
        long now = nanoTicker.getAsLong();
        long[] s = seen.get(key);
        if (s == null) {
            if (seen.size() >= maxKeys) {
                seen.values().removeIf(old -> now - old[0] >= quietNanos);
                if (seen.size() >= maxKeys) {
                    seen.clear();
                }
            }
            seen.put(key, new long[] {now, 0});
            return new Verdict(true, true, 0);
        }
        if (now - s[0] >= quietNanos) {
            Verdict v = new Verdict(true, false, s[1]);
            s[0] = now;
            s[1] = 0;
            return v;
        }
        s[1]++;
        return QUIET;
    }
}
