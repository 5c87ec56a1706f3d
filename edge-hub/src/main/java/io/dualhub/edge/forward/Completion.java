package io.dualhub.edge.forward;

/**
 * The answer to one publish attempt, null {@code error} for an ack (or a wake-up or reconnect signal), handed to the
 * forwarder thread.
 */
record Completion(long seq, int attempt, Throwable error) {
    static final Completion WAKE = new Completion(-1, -1, null);
    static final Completion RECONNECTED = new Completion(-2, -1, null);
}
