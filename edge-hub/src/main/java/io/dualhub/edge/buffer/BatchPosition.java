package io.dualhub.edge.buffer;

/**
 * Where a batch lies in the buffer: its edge sequence and its queue index. What the forwarder keeps of a batch while
 * it awaits its ack, so the window holds no payloads (read again from the queue for a resend).
 */
public record BatchPosition(long seq, long index) {}
