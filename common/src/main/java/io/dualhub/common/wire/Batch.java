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
        EdgeId.require(edgeId);
        Incarnations.require(incarnation);
        if (seq < 1) {
            throw new IllegalArgumentException("batch seq must be >= 1, was " + seq);
        }
        points = List.copyOf(points);
    }

    /** This batch without its {@link Point#staleMarker staleness markers}: what a hub stores of it. */
    public Batch withoutStaleMarkers() {
        int markers = staleMarkers();
        if (markers == 0) {
            return this;
        }
        List<Point> samples = new ArrayList<>(points.size() - markers);
        for (Point p : points) {
            if (!p.isStaleMarker()) {
                samples.add(p);
            }
        }
        return new Batch(edgeId, incarnation, seq, createdAtMs, samples);
    }

    /** How many of the points are staleness markers. */
    public int staleMarkers() {
        int markers = 0;
        for (Point p : points) {
            if (p.isStaleMarker()) {
                markers++;
            }
        }
        return markers;
    }
}
