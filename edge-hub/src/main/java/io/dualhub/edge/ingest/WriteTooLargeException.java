package io.dualhub.edge.ingest;

/** A remote-write or OTLP request past the edge's size bounds ({@code http.max-body}, {@code http.max-points}): 413. */
public final class WriteTooLargeException extends BadWriteException {
    public WriteTooLargeException(String message) {
        super(message);
    }
}
