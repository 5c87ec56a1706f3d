package io.dualhub.common.wire;

/** A message on the wire that does not follow the schema; the message says which field and why. */
public class WireFormatException extends RuntimeException {
    public WireFormatException(String message) {
        super(message);
    }

    public WireFormatException(String message, Throwable cause) {
        super(message, cause);
    }
}
