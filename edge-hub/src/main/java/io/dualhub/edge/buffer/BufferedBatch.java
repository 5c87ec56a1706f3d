package io.dualhub.edge.buffer;

/** A batch as the buffer holds it: its edge sequence, its position in the queue, and its encoded wire bytes. */
public record BufferedBatch(long seq, long index, byte[] payload) {
}
