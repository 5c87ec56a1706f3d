package io.dualhub.common.wire;

import io.dualhub.common.EdgeId;

/**
 * What an edge says about itself every few seconds on {@code dualhub.events.<edgeId>.heartbeat}: its version and
 * host, the batches it holds that the stream has not acknowledged, the last sequence it has appended and had acked
 * in its current buffer incarnation, its forwarder's circuit breaker ({@code CLOSED}, {@code OPEN},
 * {@code HALF_OPEN}; null from edges older than this field), how long its backlog has gone without progress, and its
 * publish-to-acknowledgement latency.
 */
public record Heartbeat(
        String edgeId,
        String version,
        long sentAtMs,
        long backlog,
        long lastAppendedSeq,
        long lastAckedSeq,
        String host,
        String incarnation,
        String breaker,
        long forwardLagMs,
        String os,
        Latency publishAck) {
    public Heartbeat {
        EdgeId.require(edgeId);
    }
}
