package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;
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
}
