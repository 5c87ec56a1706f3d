package io.dualhub.edge.buffer;

/**
 * A point that alone makes a batch larger than batches are cut at ({@code buffer.max-batch-bytes}, or the NATS
 * server's {@code max_payload} when that is smaller): buffered, it could never be forwarded, so it is refused before
 * anything of its write is appended.
 */
public class PointTooLargeException extends RuntimeException {
    public PointTooLargeException(String metric, int batchBytes, int limitBytes) {
        super("a point of metric '" + metric + "' makes a batch of " + batchBytes + " bytes on its own, more than the "
                + limitBytes + " bytes a batch may hold (buffer.max-batch-bytes, or the NATS server's max_payload when"
                + " smaller): shorten its tags or name; nothing of this write was stored");
    }
}
