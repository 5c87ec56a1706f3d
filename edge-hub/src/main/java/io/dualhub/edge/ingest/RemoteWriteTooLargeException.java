package io.dualhub.edge.ingest;

/** A remote-write request past the edge's size bounds ({@code http.max-body}, {@code http.max-points}): 413. */
public final class RemoteWriteTooLargeException extends RemoteWriteException {
    public RemoteWriteTooLargeException(String message) {
        super(message);
    }
}
