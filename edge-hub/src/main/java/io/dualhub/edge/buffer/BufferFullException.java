package io.dualhub.edge.buffer;

/** New points were refused: the backlog is at its limit under the reject policy, or the disk is (nearly) full. */
public class BufferFullException extends RuntimeException {
    public BufferFullException(String message) {
        super(message);
    }
}
