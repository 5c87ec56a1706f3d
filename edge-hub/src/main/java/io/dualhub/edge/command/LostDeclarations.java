package io.dualhub.edge.command;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.edge.buffer.LostRange;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.PublishOptions;
import java.io.IOException;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Declares in the metrics stream the batches a torn buffer lost ({@link LostRange}), so every CentralHub counts
 * them instead of never hearing of them. A range is forgotten only once the stream acknowledged all of its
 * declarations; until then each run of {@link #declareDue} (on the edge's scheduler) tries again, and JetStream's
 * duplicate window and the CentralHub's per-sequence accounting make a repeat harmless.
 */
public final class LostDeclarations {
    private static final Logger LOG = LoggerFactory.getLogger(LostDeclarations.class);
    /** Sequences per declaration: four bytes each on the wire, well inside any NATS server's max_payload. */
    static final int CHUNK = Math.min(GapCodec.MAX_BATCHES, 10_000);

    private final String edgeId;
    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final Clock clock;

    public LostDeclarations(String edgeId, EdgeBuffer buffer, NatsLink nats, Clock clock) {
        this.edgeId = edgeId;
        this.buffer = buffer;
        this.nats = nats;
        this.clock = clock;
    }

    /** Declares every range still due while NATS is connected; what fails is tried again at the next run. */
    public void declareDue() {
        Connection c = nats.connection();
        if (c == null) {
            return;
        }
        for (LostRange range : buffer.lostToDeclare()) {
            try {
                for (long from = range.fromSeq(); from <= range.toSeq(); from += CHUNK) {
                    long to = Math.min(range.toSeq(), from + CHUNK - 1);
                    publish(
                            c.jetStream(),
                            Subjects.metrics(edgeId),
                            GapDeclaration.lost(edgeId, range.incarnation(), from, to, clock.millis()));
                }
            } catch (IOException e) {
                LOG.warn(
                        "declaring batches {}..{} of incarnation {} lost failed, trying again: {}",
                        range.fromSeq(),
                        range.toSeq(),
                        range.incarnation(),
                        e.getMessage());
                return;
            }
            buffer.lostDeclared(range);
            LOG.warn(
                    "declared batches {}..{} of incarnation {} lost: they were gone with the torn buffer",
                    range.fromSeq(),
                    range.toSeq(),
                    range.incarnation());
        }
    }

    /** Publishes one declaration of lost batches and waits for the stream's acknowledgement. */
    static void publish(JetStream js, String subject, GapDeclaration lost) throws IOException {
        String msgId = Subjects.msgId(lost.edgeId(), lost.incarnation(), lost.fromSeq()) + "-lost-" + lost.toSeq();
        try {
            js.publish(
                    subject,
                    GapCodec.encode(lost),
                    PublishOptions.builder().messageId(msgId).build());
        } catch (JetStreamApiException e) {
            throw new IOException(e);
        }
    }
}
