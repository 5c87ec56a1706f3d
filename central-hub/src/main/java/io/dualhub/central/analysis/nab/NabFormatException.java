package io.dualhub.central.analysis.nab;

/** A NAB folder or detector-results folder that cannot be read as such; the message names the file and line. */
public final class NabFormatException extends RuntimeException {
    public NabFormatException(String message) {
        super(message);
    }
}
