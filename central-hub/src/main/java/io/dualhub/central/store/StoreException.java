package io.dualhub.central.store;

/** The store could not commit or read; nothing of the failed commit was stored. */
public class StoreException extends RuntimeException {
    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}
