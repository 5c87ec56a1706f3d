package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;
import java.util.ArrayList;
import java.util.List;

/**
 * The unit the edge numbers, buffers, forwards and the CentralHub stores exactly once: {@code seq} is the edge's
 * hole-free batch number within its {@code incarnation}, {@code createdAtMs} when the edge accepted it (the start of
 * end-to-end latency).
 */
public record Batch(String edgeId, String incarnation, long seq, long createdAtMs, List<Point> points)
        implements EdgeMessage {
    public Batch {
        requireHeader(edgeId, incarnation, seq);
        points = List.copyOf(points);
    }

    /** Checks what a batch's header says, as a batch is made of it: an IllegalArgumentException says what is wrong. */
    public static void requireHeader(String edgeId, String incarnation, long seq) {
        EdgeId.require(edgeId);
        Incarnations.require(incarnation);
        if (seq < 1) {
            throw new IllegalArgumentException("batch seq must be >= 1, was " + seq);
        }
    }

    /**
     * This batch without its {@link Point#staleMarker staleness markers}: what a hub stores of it. The batch itself
     * when it holds none (one pass over the points, no copy: the common case on a hub's commit path).
     */
    public Batch withoutStaleMarkers() {
        List<Point> samples = null;
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            if (p.isStaleMarker()) {
                if (samples == null) {
                    samples = new ArrayList<>(points.subList(0, i));
                }
            } else if (samples != null) {
                samples.add(p);
            }
        }
        return samples == null ? this : new Batch(edgeId, incarnation, seq, createdAtMs, samples);
    }

    /** Whether any point is a staleness marker; stops at the first. */
    public boolean hasStaleMarkers() {
        for (Point p : points) {
            if (p.isStaleMarker()) {
                return true;
            }
        }
        return false;
    }
}
