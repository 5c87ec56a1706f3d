package io.dualhub.edge.buffer;

import static io.dualhub.common.config.InvalidSetting.require;
import static io.dualhub.common.config.InvalidSetting.requireAtLeast;

import io.dualhub.common.config.Settings;
import java.time.Duration;

/**
 * How the EdgeBuffer bounds itself: at most {@code maxBytes} of unacknowledged batches (beyond it the
 * {@code overflow} policy applies), at least {@code minFreeDisk} left free on its file system (below it new points are
 * refused whatever the policy, so a full disk never crashes the agent or corrupts the queue), batches cut at
 * {@code maxBatchBytes}, acknowledged batches kept for {@code retention}, and {@code sync} to force each append to
 * disk. Built by {@link #custom()} (each value starting at its default below, the default of its {@code buffer.*}
 * key) or {@link #ofDefaults()}; every bound is checked here, once, naming the key.
 */
public record BufferSettings(
        long maxBytes, Overflow overflow, long minFreeDisk, int maxBatchBytes, Duration retention, boolean sync) {

    /** What happens to new points when the unacknowledged backlog reaches {@code maxBytes}. */
    public enum Overflow {
        /** Keep accepting; the forwarder drops the oldest batches never sent and declares them as a gap. */
        DROP_OLDEST("drop-oldest"),
        /** Refuse new points: HTTP 503 with Retry-After, the host collector skips a cycle. */
        REJECT("reject");

        private final String configName;

        Overflow(String configName) {
            this.configName = configName;
        }

        /** The value of {@code buffer.overflow} that chooses this policy. */
        public String configName() {
            return configName;
        }

        /** The policy {@code buffer.overflow} names, or null for a value that names none. */
        public static Overflow named(String configName) {
            for (Overflow o : values()) {
                if (o.configName.equals(configName)) {
                    return o;
                }
            }
            return null;
        }
    }

    /** The disk an outage's backlog may take before the overflow policy applies. */
    public static final long DEFAULT_MAX_BYTES = 1L << 30;
    /** An edge keeps collecting through an outage longer than its buffer, losing the oldest (declared) first. */
    public static final Overflow DEFAULT_OVERFLOW = Overflow.DROP_OLDEST;
    /** Room kept for the rest of the machine (logs, package updates) when the buffer shares its disk. */
    public static final long DEFAULT_MIN_FREE_DISK = 256L << 20;
    /** Half of NATS' default max_payload (1 MiB), so a batch and its headers always fit. */
    public static final int DEFAULT_MAX_BATCH_BYTES = 512 << 10;
    /** Smaller batches would cost a publish and a JetStream ack for a handful of points. */
    public static final int MIN_MAX_BATCH_BYTES = 1024;
    /**
     * The queue maps its files in blocks of eight times a batch: 8 MiB batches make 64 MiB blocks, Chronicle's own
     * default and the most an edge maps at once.
     */
    public static final int MAX_MAX_BATCH_BYTES = 8 << 20;
    /** Acknowledged batches stay this long for a CentralHub that asks for them again (gap repair, a restored store). */
    public static final Duration DEFAULT_RETENTION = Duration.ofHours(24);

    public BufferSettings {
        require(
                maxBatchBytes >= MIN_MAX_BATCH_BYTES && maxBatchBytes <= MAX_MAX_BATCH_BYTES,
                "buffer.max-batch-bytes",
                maxBatchBytes,
                "a size from " + Settings.sizeText(MIN_MAX_BATCH_BYTES) + " to "
                        + Settings.sizeText(MAX_MAX_BATCH_BYTES));
        require(
                maxBytes >= maxBatchBytes,
                "buffer.max-bytes",
                maxBytes,
                "at least buffer.max-batch-bytes (" + Settings.sizeText(maxBatchBytes) + ")");
        require(minFreeDisk >= 0, "buffer.min-free-disk", minFreeDisk, "a size of at least 0 bytes");
        requireAtLeast(retention, Duration.ZERO, "buffer.retention");
        require(overflow != null, "buffer.overflow", overflow, "drop-oldest or reject");
    }

    public static BufferSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
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

    /** Starts from {@code settings}, to change some of them. */
    public static Builder from(BufferSettings settings) {
        return custom().maxBytes(settings.maxBytes)
                .overflow(settings.overflow)
                .minFreeDisk(settings.minFreeDisk)
                .maxBatchBytes(settings.maxBatchBytes)
                .retention(settings.retention)
                .sync(settings.sync);
    }

    /** Unbounded in practice, for tests and benchmarks that do not exercise overflow. */
    public static BufferSettings unbounded(int maxBatchBytes) {
        return custom().maxBytes(Long.MAX_VALUE)
                .overflow(Overflow.REJECT)
                .minFreeDisk(0)
                .maxBatchBytes(maxBatchBytes)
                .build();
    }

    /** Starts from the defaults; each setter replaces one bound. */
    public static final class Builder {
        private long maxBytes = DEFAULT_MAX_BYTES;
        private Overflow overflow = DEFAULT_OVERFLOW;
        private long minFreeDisk = DEFAULT_MIN_FREE_DISK;
        private int maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
        private Duration retention = DEFAULT_RETENTION;
        private boolean sync;

        private Builder() {}

        public Builder maxBytes(long bytes) {
            this.maxBytes = bytes;
            return this;
        }

        public Builder overflow(Overflow policy) {
            this.overflow = policy;
            return this;
        }

        public Builder minFreeDisk(long bytes) {
            this.minFreeDisk = bytes;
            return this;
        }

        public Builder maxBatchBytes(int bytes) {
            this.maxBatchBytes = bytes;
            return this;
        }

        public Builder retention(Duration keptAfterAck) {
            this.retention = keptAfterAck;
            return this;
        }

        public Builder sync(boolean eachAppend) {
            this.sync = eachAppend;
            return this;
        }

        public BufferSettings build() {
            return new BufferSettings(maxBytes, overflow, minFreeDisk, maxBatchBytes, retention, sync);
        }
    }
}
