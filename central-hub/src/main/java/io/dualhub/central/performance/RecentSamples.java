package io.dualhub.central.performance;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;

/**
 * The last {@code capacity} samples of one figure, oldest first, held in memory only (a restarted hub starts again).
 *
 * <p>Written by the performance sampler thread, read by HTTP threads: the deque is guarded by itself.
 */
final class RecentSamples<T> {
    private final int capacity;
    private final Deque<T> samples = new ArrayDeque<>();

    RecentSamples(int capacity) {
        if (capacity < 2) {
            throw new IllegalArgumentException("BUG: a history needs at least two samples, got " + capacity);
        }
        this.capacity = capacity;
    }

    void add(T sample) {
        synchronized (samples) {
            samples.addLast(sample);
            while (samples.size() > capacity) {
                samples.removeFirst();
            }
        }
    }

    List<T> all() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }
}
