package io.dualhub.central.store;

import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.wire.GapDeclaration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One edge's exactly-once ledger: which of its batch sequences are stored or declared (per buffer incarnation), and
 * the counts and ranges of what it stored, only counted, and declared dropped, lost or invalid. Sequences are tracked
 * per buffer incarnation: the current one, and the retired ones (a replaced data directory), kept so their late
 * redeliveries are still recognised. Owned by the committing thread ({@link EdgeLedgers}): a commit changes a
 * {@link #copy()}, which replaces the ledger only once the transaction that saved it committed. Its counts never
 * go negative; a negative one is a bug and is refused before it could be saved.
 */
final class EdgeLedger {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeLedger.class);

    final String edge;
    SequenceTracker tracker;
    String incarnation = "";
    final Map<String, SequenceTracker> retired = new LinkedHashMap<>();
    long batches;
    long points;
    long duplicates;
    long lastStoredMs;
    long droppedBatches;
    long droppedPoints;
    SeqRanges droppedRanges = new SeqRanges();
    long lostBatches;
    SeqRanges lostRanges = new SeqRanges();
    long invalidBatches;
    SeqRanges invalidRanges = new SeqRanges();

    EdgeLedger(String edge, SequenceTracker tracker) {
        this.edge = edge;
        this.tracker = tracker;
    }

    /** The ledger of an edge the store has not seen yet. */
    static EdgeLedger empty(String edge) {
        return new EdgeLedger(edge, new SequenceTracker(0, List.of()));
    }

    /**
     * The tracker of the given incarnation. A new incarnation becomes the current one and the previous one is
     * retired; the empty incarnation (data from before incarnations) is simply renamed, since the same buffer
     * continues its numbering under its new id.
     */
    SequenceTracker trackerFor(String inc) {
        if (inc.equals(incarnation)) {
            return tracker;
        }
        SequenceTracker old = retired.get(inc);
        if (old != null) {
            return old;
        }
        if (!incarnation.isEmpty()) {
            retired.put(incarnation, tracker);
            tracker = new SequenceTracker(0, List.of());
            try (AboutEdge about = AboutEdge.of(edge)) {
                LOG.warn(
                        "edge {} started buffer incarnation {} (its data directory was recreated); its"
                                + " numbering starts again at 1, the previous incarnation {} ended at {}",
                        edge,
                        inc,
                        incarnation,
                        retired.get(incarnation).contiguous());
            }
        }
        incarnation = inc;
        return tracker;
    }

    /** A batch seen before (or a gap declared before): only counted. */
    CommitOutcome duplicate() {
        duplicates++;
        return CommitOutcome.DUPLICATE;
    }

    /** A new batch whose points this commit stores. */
    CommitOutcome stored(int pointCount, long nowMs) {
        batches++;
        points += pointCount;
        lastStoredMs = nowMs;
        return CommitOutcome.STORED;
    }

    /** A new batch refused because its new series would pass {@code store.max-series-per-edge}: invalid. */
    CommitOutcome refused(long seq) {
        invalidBatches++;
        invalidRanges.add(seq);
        return CommitOutcome.REFUSED_SERIES;
    }

    /**
     * Each sequence of the gap not stored or declared before becomes declared-dropped (overflow, with its point
     * count), lost (expired from the edge before it could be resent) or invalid (refused by this hub).
     */
    CommitOutcome declare(GapDeclaration gap) {
        boolean any = false;
        SequenceTracker declaring = trackerFor(gap.incarnation());
        for (long seq = gap.fromSeq(); seq <= gap.toSeq(); seq++) {
            if (!declaring.record(seq)) {
                continue;
            }
            switch (gap.reason()) {
                case OVERFLOW, TOO_LARGE -> {
                    droppedBatches++;
                    droppedPoints += gap.pointCount(seq);
                    droppedRanges.add(seq);
                }
                case EXPIRED -> {
                    lostBatches++;
                    lostRanges.add(seq);
                }
                case INVALID -> {
                    invalidBatches++;
                    invalidRanges.add(seq);
                }
            }
            any = true;
        }
        return any ? CommitOutcome.DECLARED : duplicate();
    }

    /** Fails loudly when a count went negative: only a bug in this code could do it, and it must not be saved. */
    void checkCounts() {
        long[] counts = {batches, points, duplicates, droppedBatches, droppedPoints, lostBatches, invalidBatches};
        for (long count : counts) {
            if (count < 0) {
                throw new IllegalStateException("BUG: edge " + edge + "'s ledger has a negative count: " + state());
            }
        }
    }

    /** An independent copy, for changes that only count once their transaction commits. */
    EdgeLedger copy() {
        EdgeLedger c = new EdgeLedger(edge, tracker.copy());
        c.incarnation = incarnation;
        retired.forEach((inc, t) -> c.retired.put(inc, t.copy()));
        c.batches = batches;
        c.points = points;
        c.duplicates = duplicates;
        c.lastStoredMs = lastStoredMs;
        c.droppedBatches = droppedBatches;
        c.droppedPoints = droppedPoints;
        c.droppedRanges = droppedRanges.copy();
        c.lostBatches = lostBatches;
        c.lostRanges = lostRanges.copy();
        c.invalidBatches = invalidBatches;
        c.invalidRanges = invalidRanges.copy();
        return c;
    }

    EdgeStoreState state() {
        return new EdgeStoreState(
                edge,
                tracker.contiguous(),
                tracker.highest(),
                batches,
                points,
                duplicates,
                lastStoredMs,
                droppedBatches,
                droppedPoints,
                droppedRanges.asList(),
                lostBatches,
                lostRanges.asList(),
                tracker.missing(),
                incarnation,
                invalidBatches,
                invalidRanges.asList());
    }
}
