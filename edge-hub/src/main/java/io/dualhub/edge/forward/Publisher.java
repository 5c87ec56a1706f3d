package io.dualhub.edge.forward;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/**
 * What the forwarder needs of NATS, and no more, so its state machine can be driven by a test without a server. The
 * forwarder thread makes every call; a publish's future may complete on any thread (jnats' own), which is why the
 * forwarder only queues its answer back to itself.
 */
interface Publisher {
    /** Readies publishing on the current connection; false while there is none yet. Called until it succeeds. */
    boolean connect();

    /** The {@code max_payload} of the server connected to now, or empty while that is unknown. */
    OptionalLong maxPayload();

    /**
     * Queues one asynchronous JetStream publish, de-duplicated by {@code msgId} and refused unless {@code stream}
     * takes {@code subject}. The future completes with the ack, or with the failure or timeout. Throws when the
     * publish could not even be queued.
     */
    CompletableFuture<?> publish(String subject, String stream, String msgId, byte[] payload);

    /** A best-effort core-NATS message, for events whose facts travel in the stream anyway. */
    void publishEvent(String subject, byte[] event);

    /** Drops the current server for another without waiting for pings to notice that it is gone. */
    void forceReconnect();

    /** Runs {@code listener} (on another thread; it must only hand off) after every reconnect. */
    void onReconnect(Runnable listener);
}
