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

    /** The smallest block the queue maps its files in. */
    static final long MIN_QUEUE_BLOCK_BYTES = 4L << 20;

    /**
     * The block the queue maps its files in: eight times the largest batch, at least {@link #MIN_QUEUE_BLOCK_BYTES},
     * a power of two. Chronicle takes a message of at most a quarter block, so every batch fits with room to spare;
     * and it maps only the blocks around the writer and the reader, so the current hour's file counts in the edge's RSS
     * by a few blocks at most, not by everything written into it that hour (Chronicle's default 64 MiB blocks held
     * an hour's writes whole: 7 MB an hour at the soak's load, up to 128 MB at high rates).
     */
    public long queueBlockBytes() {
        long wanted = Math.max(MIN_QUEUE_BLOCK_BYTES, 8L * maxBatchBytes);
        return Long.highestOneBit(wanted - 1) << 1;
    }

    /** Unbounded in practice, for tests that do not exercise overflow. */
    public static BufferSettings unbounded(int maxBatchBytes) {
        return new BufferSettings(Long.MAX_VALUE, Overflow.REJECT, 0, maxBatchBytes, Duration.ofHours(24), false);
    }
}
