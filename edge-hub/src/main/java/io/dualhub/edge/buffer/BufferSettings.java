package io.dualhub.edge.buffer;

import java.time.Duration;

/**
 * How the EdgeBuffer bounds itself: at most {@code maxBytes} of unacknowledged batches (beyond it the
 * {@code overflow} policy applies), at least {@code minFreeDisk} left free on its file system (below it new points are
 * refused whatever the policy, so a full disk never crashes the agent or corrupts the queue), batches cut at
 * {@code maxBatchBytes}, acknowledged batches kept for {@code retention}, and {@code sync} to force each append to
 * disk.
 */
public record BufferSettings(
        long maxBytes, Overflow overflow, long minFreeDisk, int maxBatchBytes, Duration retention, boolean sync) {

    /** What happens to new points when the unacknowledged backlog reaches {@code maxBytes}. */
    public enum Overflow {
        /** Keep accepting; the forwarder drops the oldest batches never sent and declares them as a gap. */
        DROP_OLDEST,
        /** Refuse new points: HTTP 503 with Retry-After, the host collector skips a cycle. */
        REJECT
    }

    public BufferSettings {
        if (maxBytes < maxBatchBytes) {
            throw new IllegalArgumentException(
                    "buffer max bytes " + maxBytes + " is below one batch (" + maxBatchBytes + ")");
        }
    }

    /** Unbounded in practice, for tests that do not exercise overflow. */
    public static BufferSettings unbounded(int maxBatchBytes) {
        return new BufferSettings(Long.MAX_VALUE, Overflow.REJECT, 0, maxBatchBytes, Duration.ofHours(24), false);
    }
}
