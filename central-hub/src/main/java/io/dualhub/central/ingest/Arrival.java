package io.dualhub.central.ingest;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EdgeMessage;
import io.nats.client.Message;

/**
 * A message as it arrived, already decoded by the thread that handed it over (jnats' dispatcher): on a backlog the
 * ingest thread commits one group while the next is decoded beside it, instead of doing both one after the other.
 * Decoding is pure and concerns the message alone; what the message means (its subject, its edge, its bounds) is still
 * judged on the ingest thread ({@link MessageJudge}), and nothing is acknowledged before its commit.
 *
 * @param decoded the message decoded, or null when it does not decode
 * @param error why it does not decode, or null when it does
 */
record Arrival(Message message, EdgeMessage decoded, RuntimeException error) {
    /** Decodes {@code m}; whatever the decoder throws is kept for the judge, never thrown to the dispatcher. */
    static Arrival of(Message m) {
        try {
            return new Arrival(m, EdgeMessage.decode(m.getData()), null);
        } catch (RuntimeException e) { // WireFormatException, NewerFormatException, or what a decoder bug lets out
            return new Arrival(m, null, e);
        }
    }

    /** The points the message carries (0 for a gap declaration or a message that does not decode). */
    int points() {
        return decoded instanceof Batch b ? b.points().size() : 0;
    }
}
