package io.dualhub.central.ingest;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.WireFormatException;
import io.nats.client.Message;

/**
 * A message as jnats' dispatcher thread received it, already decoded there (or found invalid): decoding on that thread
 * overlaps the ingest thread's commits instead of preceding them. Nothing is acknowledged before the commit.
 */
record Arrival(Message message, EdgeMessage decoded, WireFormatException invalid) {
    static Arrival of(Message m) {
        try {
            return new Arrival(m, EdgeMessage.decode(m.getData()), null);
        } catch (WireFormatException e) {
            return new Arrival(m, null, e);
        }
    }

    /** The points it carries: a batch's, 0 for a gap declaration or an invalid message. */
    int points() {
        return decoded instanceof Batch b ? b.points().size() : 0;
    }

    /** Its payload's size, at least 1: what it costs the hand-off's budget. */
    int payloadBytes() {
        byte[] data = message.getData();
        return Math.max(1, data == null ? 0 : data.length);
    }
}
