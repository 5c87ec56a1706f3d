package io.dualhub.edge.ingest;

/**
 * A remote-write request that cannot be taken as it is: a sender must not send it again (remote write 1.0 does not
 * retry a 4xx), so the message names the series and what is wrong with it.
 */
public class RemoteWriteException extends RuntimeException {
    public RemoteWriteException(String message) {
        super(message);
    }
}
