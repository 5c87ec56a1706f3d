package io.dualhub.edge.buffer;

/**
 * One incarnation of a buffer and the run of queue sequences it owns, {@code firstSeq..lastSeq} (open-ended, {@link
 * Long#MAX_VALUE}, for the current one). On the wire an incarnation numbers its batches from 1: the batch at queue
 * sequence {@code q} is batch {@code q - firstSeq + 1} of its incarnation. A buffer that was never torn has one life
 * starting at 1, where the two numberings agree.
 */
public record BufferLife(String incarnation, long firstSeq, long lastSeq) {
    /** The wire sequence of the batch at queue sequence {@code queueSeq}. */
    public long wireSeq(long queueSeq) {
        return queueSeq - firstSeq + 1;
    }

    /** The queue sequence of this incarnation's batch {@code wireSeq}. */
    public long queueSeq(long wireSeq) {
        return wireSeq + firstSeq - 1;
    }

    public boolean holds(long queueSeq) {
        return queueSeq >= firstSeq && queueSeq <= lastSeq;
    }

    /** The last wire sequence this incarnation will ever have, or {@link Long#MAX_VALUE} while it is current. */
    public long lastWireSeq() {
        return lastSeq == Long.MAX_VALUE ? Long.MAX_VALUE : wireSeq(lastSeq);
    }
}
