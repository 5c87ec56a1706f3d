package io.dualhub.edge.ingest;

/**
 * A write in a binary protocol (remote write, OTLP) that cannot be taken as it is: its sender does not send it again
 * after a 4xx, so the message names the series and what is wrong with it.
 */
public class BadWriteException extends RuntimeException {
    public BadWriteException(String message) {
        super(message);
    }
}
