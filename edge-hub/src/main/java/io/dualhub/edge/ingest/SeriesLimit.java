package io.dualhub.edge.ingest;

import io.dualhub.common.wire.Point;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The series this edge takes: at most {@code ingest.max-series} distinct ones within each
 * {@code ingest.series-window}, counted afresh when a window ends (as vmagent's {@code -remoteWrite.maxHourlySeries}):
 * series that stop reporting free their place at the next window, while a churning tag (pod names, request ids)
 * meets the bound instead of growing the CentralHub's series dictionary without end. Series are remembered by a
 * 64-bit hash of metric and tags in an open-addressing table of longs (16 to 32 bytes a series): two series whose
 * hashes collide count as one, which only lets a series more through. Guarded by its own lock (writes run
 * concurrently).
 */
public final class SeriesLimit {
    private final int maxSeries;
    private final long windowMs;
    private final Clock clock;
    private final LongSet current;
    private long windowStartMs;

    public SeriesLimit(int maxSeries, Duration window, Clock clock) {
        this.maxSeries = maxSeries;
        this.windowMs = window.toMillis();
        this.clock = clock;
        this.current = new LongSet(Math.min(maxSeries, 1024)); // grown as series come
        this.windowStartMs = clock.millis();
    }

    /**
     * Admits the points' series, all or none: when the ones new to this window would take its count past the bound,
     * throws {@link SeriesLimitException} and admits nothing.
     */
    public synchronized void admit(List<Point> points) {
        rotate();
        long[] hashes = new long[points.size()];
        LongSet fresh = new LongSet(16);
        for (int i = 0; i < hashes.length; i++) {
            long h = hash(points.get(i));
            hashes[i] = h;
            if (!current.contains(h)) {
                fresh.add(h);
                if (current.size() + fresh.size() > maxSeries) {
                    throw new SeriesLimitException(maxSeries, Duration.ofMillis(windowMs));
                }
            }
        }
        for (long h : hashes) {
            current.add(h);
        }
    }

    /** Series taken in the current window. */
    public synchronized int size() {
        rotate();
        return current.size();
    }

    private void rotate() {
        long now = clock.millis();
        if (now - windowStartMs >= windowMs) {
            current.cleared();
            windowStartMs = now;
        }
    }

    private static long hash(Point p) {
        long h = p.metric().hashCode();
        for (Map.Entry<String, String> tag : p.tags().entrySet()) {
            h = h * 0x9E3779B97F4A7C15L + tag.getKey().hashCode();
            h = h * 0x9E3779B97F4A7C15L + tag.getValue().hashCode();
        }
        h ^= h >>> 33; // murmur3's finaliser: every input bit moves every output bit
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        return h ^ (h >>> 33);
    }

    /** A set of longs in one array, linear probing, grown when half full; 0 is kept apart in {@code hasZero}. */
    private static final class LongSet {
        private long[] slots;
        private boolean hasZero;
        private int size;

        LongSet(int capacity) {
            slots = new long[Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) << 1];
        }

        boolean contains(long v) {
            if (v == 0) {
                return hasZero;
            }
            for (int i = index(v, slots); slots[i] != 0; i = (i + 1) & (slots.length - 1)) {
                if (slots[i] == v) {
                    return true;
                }
            }
            return false;
        }

        void add(long v) {
            if (v == 0) {
                size += hasZero ? 0 : 1;
                hasZero = true;
            } else if (put(slots, v)) {
                size++;
                if (size * 2 > slots.length) {
                    long[] bigger = new long[slots.length * 2];
                    for (long old : slots) {
                        if (old != 0) {
                            put(bigger, old);
                        }
                    }
                    slots = bigger;
                }
            }
        }

        /** Puts {@code v} (not 0) into {@code table}; false when it was there. */
        private static boolean put(long[] table, long v) {
            int i = index(v, table);
            for (; table[i] != 0; i = (i + 1) & (table.length - 1)) {
                if (table[i] == v) {
                    return false;
                }
            }
            table[i] = v;
            return true;
        }

        int size() {
            return size;
        }

        void cleared() {
            Arrays.fill(slots, 0);
            hasZero = false;
            size = 0;
        }

        private static int index(long v, long[] table) {
            return (int) (v ^ (v >>> 32)) & (table.length - 1);
        }
    }
}
