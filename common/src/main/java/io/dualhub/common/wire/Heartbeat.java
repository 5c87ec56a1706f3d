package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;

/**
 * What an edge says about itself every few seconds on {@code dualhub.events.<edgeId>.heartbeat}: its version,
 * the batches it holds that the stream has not acknowledged, and the last sequence it has appended and had acked
 * in its current buffer incarnation.
 */
public record Heartbeat(String edgeId, String version, long sentAtMs, long backlog, long lastAppendedSeq,
                        long lastAckedSeq, String host, String incarnation) {
    public Heartbeat {
        EdgeId.require(edgeId);
    }
}
