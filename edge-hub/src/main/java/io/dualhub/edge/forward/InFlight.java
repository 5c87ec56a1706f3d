package io.dualhub.edge.forward;

import io.dualhub.edge.buffer.BufferedBatch;

/** One batch in the forwarder's window: sent and awaiting its ack, waiting to be resent, or acked. */
final class InFlight {
    final BufferedBatch batch;
    int attempt;
    long sentAtNanos = -1;
    boolean acked;

    InFlight(BufferedBatch batch) {
        this.batch = batch;
    }

    boolean awaitingSend() {
        return !acked && sentAtNanos < 0;
    }

    boolean awaitingAck() {
        return !acked && sentAtNanos >= 0;
    }
}
