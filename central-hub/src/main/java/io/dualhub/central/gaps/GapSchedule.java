package io.dualhub.central.gaps;

import io.dualhub.central.stream.ReadPositions;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * When each missing range is acted on: once past its grace, then again one grace after the last request, the wait
 * doubling with each request the edge did not answer (an edge that is gone is not asked every grace forever), at
 * most 64 graces. Worked in rounds, one per gap check: a range not seen again in a round is forgotten, so a range
 * that comes back later starts over. Owned by the gap repair's scheduler thread.
 */
final class GapSchedule {
    /** The wait doubles at most this many times: 64 graces. */
    private static final int MAX_DOUBLINGS = 6;

    private final long graceMs;
    private Map<RangeKey, Watched> watched = new HashMap<>();
    private Map<RangeKey, Watched> round = new HashMap<>();

    /**
     * A missing range being watched: when it was first seen, the metrics streams' last sequences then (null for a
     * standby's report, which was judged there), when it was last acted on, and the failed requests in a row.
     */
    static final class Watched {
        private final long firstSeenMs;
        private final long[] streamEnds;
        private long lastActedMs;
        private int failures;

        private Watched(long firstSeenMs, long[] streamEnds) {
            this.firstSeenMs = firstSeenMs;
            this.streamEnds = streamEnds;
        }

        /** True once every consumer acknowledged all its stream held when the range was first seen. */
        boolean readPast(long[] ackFloors) {
            return streamEnds == null || ReadPositions.readPast(ackFloors, streamEnds);
        }
    }

    GapSchedule(Duration grace) {
        this.graceMs = grace.toMillis();
    }

    /** Starts a round: the ranges not seen again before {@link #endRound()} are forgotten then. */
    void beginRound() {
        round = new HashMap<>();
    }

    void endRound() {
        watched = round;
    }

    /**
     * Records the range as still watched (first seen at {@code firstSeenMs}, when the streams ended at
     * {@code streamEnds}, if it is new); returns it when it is past its grace and due again.
     */
    Watched due(MissingRange m, long firstSeenMs, long[] streamEnds, long nowMs) {
        Watched w = round.computeIfAbsent(m.key(), k -> watched.getOrDefault(k, new Watched(firstSeenMs, streamEnds)));
        long wait = graceMs << Math.min(w.failures, MAX_DOUBLINGS);
        return nowMs - w.firstSeenMs >= graceMs && nowMs - w.lastActedMs >= wait ? w : null;
    }

    /** The range was acted on at {@code nowMs}; a request the edge did not answer doubles the next wait. */
    static void acted(Watched w, boolean succeeded, long nowMs) {
        w.lastActedMs = nowMs;
        w.failures = succeeded ? 0 : w.failures + 1;
    }
}
