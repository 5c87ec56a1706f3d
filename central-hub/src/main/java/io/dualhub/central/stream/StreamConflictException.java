package io.dualhub.central.stream;

/** An existing stream does not have the configuration this hub was told to use; nothing was changed. */
public class StreamConflictException extends RuntimeException {
    public StreamConflictException(String message) {
        super(message);
    }
}
