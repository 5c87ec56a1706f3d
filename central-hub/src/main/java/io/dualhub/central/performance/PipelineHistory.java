package io.dualhub.central.performance;

import io.dualhub.common.wire.Latency;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The hub's pipeline over the last half hour, one {@link Sample} per sampling step (oldest first): the totals the
 * rates of stored, duplicate and declared-dropped points are taken from, and the latency percentiles at that time.
 * Held in memory only (a restarted hub starts again), bounded to {@code capacity} samples.
 *
 * <p>Written by the performance sampler thread, read by HTTP threads: the deque is guarded by itself.
 */
public final class PipelineHistory {
    private final int capacity;
    private final Deque<Sample> samples = new ArrayDeque<>();

    /**
     * One sampling step's figures.
     *
     * @param pointsStored          points stored since the hub started (the store's total)
     * @param duplicatesDropped     duplicate points recognised and not stored again, total
     * @param pointsDeclaredDropped points edges declared dropped (overflow, lost batches), total
     * @param storeCommit           the store's commit latency percentiles
     * @param collectToStored       the worst edge's collect-to-stored percentiles (each percentile its own worst)
     */
    public record Sample(
            long atMs,
            long pointsStored,
            long duplicatesDropped,
            long pointsDeclaredDropped,
            Latency storeCommit,
            Latency collectToStored) {}

    PipelineHistory(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("BUG: a history needs at least two samples, got " + capacity);
        }
        this.capacity = capacity;
    }

    void add(Sample sample) {
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > capacity) {
                samples.removeFirst();
            }
        }
    }

    List<Sample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
