package io.dualhub.edge.buffer;

/**
 * Where a batch lies in the buffer: its edge sequence and its queue index. What the forwarder keeps of a published
 * batch while it awaits its ack; its payload is read again from the queue should it need resending.
 */
public record BatchPosition(long seq, long index) {}
