package io.dualhub.edge.forward;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.edge.buffer.BatchPosition;
import io.dualhub.edge.buffer.BufferLife;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;

/**
 * One entry of the forwarder's window: a batch, or a gap declaration standing for dropped batches. It is sent and
 * awaiting its ack, waiting to be resent, or acked; once acked (and everything before it), the checkpoint moves to
 * {@code last} and {@code bytes} of backlog are released.
 *
 * <p>A batch's payload is let go once its publish is queued ({@link #sent}) and read again from the buffer for a
 * resend ({@link #readAgain}): a full window of large batches held whole outlives the young generation of the edge's
 * small heap, and forwarding a backlog then spends much of its time in full collections (the performance log has the
 * profile). A declaration is small and keeps its payload.
 */
final class InFlight {
    final long firstSeq;
    final BatchPosition last;
    /** What to publish; null for a batch between its publish and a resend. */
    byte[] payload;

    String msgId;
    final long bytes;
    GapDeclaration gap;
    int attempt;
    MetricsRoute sentOn;
    long sentAtNanos = -1;
    boolean acked;

    private InFlight(long firstSeq, BatchPosition last, byte[] payload, String msgId, long bytes, GapDeclaration gap) {
        this.firstSeq = firstSeq;
        this.last = last;
        this.payload = payload;
        this.msgId = msgId;
        this.bytes = bytes;
        this.gap = gap;
    }

    /** A batch of the buffer, under its incarnation's own number ({@link BufferLife}). */
    static InFlight batch(String edgeId, BufferLife life, BufferedBatch batch) {
        return new InFlight(
                batch.seq(),
                batch.position(),
                batch.payload(),
                Subjects.msgId(edgeId, life.incarnation(), life.wireSeq(batch.seq())),
                batch.size(),
                null);
    }

    /** A declaration standing for the buffer's batches {@code firstSeq..last}. */
    static InFlight gap(long firstSeq, GapDeclaration gap, BatchPosition last, long bytes) {
        return new InFlight(firstSeq, last, GapCodec.encode(gap), gapMsgId(gap), bytes, gap);
    }

    private static String gapMsgId(GapDeclaration gap) {
        return Subjects.msgId(gap.edgeId(), gap.incarnation(), gap.fromSeq()) + "-gap-" + gap.toSeq();
    }

    /** This batch is sent as a declaration of itself instead (it can never be published as it is). */
    void declareInstead(GapDeclaration declaration) {
        gap = declaration;
        payload = GapCodec.encode(declaration);
        msgId = gapMsgId(declaration);
    }

    /** Its publish is queued: a batch's payload is read again should it need resending. */
    void sent() {
        if (gap == null) {
            payload = null;
        }
    }

    /** Reads back the payload {@link #sent} let go, before a resend. Only a batch of one sequence lets it go. */
    void readAgain(EdgeBuffer.Reader reader) {
        if (payload != null) {
            return;
        }
        if (gap != null || firstSeq != last.seq()) {
            throw new IllegalStateException("BUG: entry " + firstSeq + ".." + last.seq() + " lost its payload");
        }
        payload = reader.reread(last);
    }

    boolean awaitingSend() {
        return !acked && sentAtNanos < 0;
    }

    boolean awaitingAck() {
        return !acked && sentAtNanos >= 0;
    }
}
