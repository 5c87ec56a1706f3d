package io.dualhub.edge.forward;

import io.nats.client.api.PublishAck;

/** The answer to one publish attempt (or a wake-up or reconnect signal), handed to the forwarder thread. */
record Completion(long seq, int attempt, PublishAck ack, Throwable error) {
    static final Completion WAKE = new Completion(-1, -1, null, null);
    static final Completion RECONNECTED = new Completion(-2, -1, null, null);
}
