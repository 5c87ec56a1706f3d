package io.dualhub.edge.buffer;

/** A batch as the buffer holds it: its edge sequence, its position in the queue, and its encoded wire bytes. */
public record BufferedBatch(long seq, long index, byte[] payload) {
    /** The bytes a batch occupies in the queue: its sequence number and its payload. */
    public static long size(byte[] payload) {
        return Long.BYTES + payload.length;
    }

    public long size() {
        return size(payload);
    }

    public BatchPosition position() {
        return new BatchPosition(seq, index);
    }
}
