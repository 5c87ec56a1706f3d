package io.dualhub.central.ingest;

import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.NewerFormatException;
import io.dualhub.common.wire.PointLimits;
import io.nats.client.Message;
import java.time.Clock;

/**
 * Judges each message by the subject it came on, before anything is committed: what is to be committed, or null
 * when the message was refused and terminated. Called on the ingest thread only; holds no state of its own.
 */
final class MessageJudge {
    private final Rejections rejections;
    private final Clock clock;

    MessageJudge(Rejections rejections, Clock clock) {
        this.rejections = rejections;
        this.clock = clock;
    }

    /**
     * The message as it is to be committed, or null when it is refused and terminated: not of the wire schema, or
     * naming another edge than the subject it came on (the subject is what NATS permissions bind; the payload is
     * whatever its sender wrote). A batch of this edge that arrived unusable — its points break the
     * {@link PointLimits}, or only its header can be read — is refused too, but its sequence is accounted: it is
     * committed as the hub's own {@link GapDeclaration.Reason#INVALID} declaration, so it leaves no hole that gap
     * repair would ask for again and again. Whatever goes wrong here concerns this one message only.
     */
    EdgeMessage judge(Arrival arrival) {
        Message m = arrival.message();
        String edge = MetricsRoute.edgeOf(m.getSubject());
        EdgeMessage decoded = arrival.decoded();
        if (arrival.error() instanceof NewerFormatException e) {
            // Not accounted as invalid: the sequence stays a hole, which gap repair has resent once this hub reads
            // the format; held unacknowledged instead, such messages could fill ingest.max-ack-pending.
            refuse(
                    m,
                    edge,
                    Rejections.Reason.NEWER_FORMAT,
                    "a message on " + m.getSubject(),
                    e.getMessage()
                            + "; not stored and not accounted: a newer CentralHub stores it from the stream, and this one"
                            + " has it resent by gap repair once upgraded");
            return null;
        }
        if (decoded == null) { // WireFormatException, or whatever a decoder bug would let out
            return undecodable(m, edge, arrival.error());
        }
        if (!decoded.edgeId().equals(edge)) {
            refuse(
                    m,
                    edge,
                    Rejections.Reason.EDGE_MISMATCH,
                    decoded.describe() + " on " + m.getSubject(),
                    "it names edge '" + decoded.edgeId() + "', its subject edge '" + edge + "'");
            return null;
        }
        String violation = decoded instanceof Batch b ? PointLimits.violation(b.points()) : null;
        if (violation != null) {
            Batch b = (Batch) decoded;
            rejections.reject(
                    edge,
                    Rejections.Reason.INVALID,
                    decoded.describe() + " on " + m.getSubject(),
                    violation + "; accounted as invalid, not stored");
            return GapDeclaration.invalid(
                    edge, b.incarnation(), b.seq(), b.points().size(), clock.millis());
        }
        return decoded;
    }

    /**
     * A message that does not decode: accounted as an invalid batch when its header names its edge, else terminated.
     */
    private EdgeMessage undecodable(Message m, String edge, RuntimeException error) {
        BatchCodec.Header header;
        try {
            header = BatchCodec.header(m.getData());
            GapDeclaration invalid = GapDeclaration.invalid(
                    header.edgeId(), header.incarnation(), header.seq(), header.pointCount(), clock.millis());
            if (invalid.edgeId().equals(edge)) {
                rejections.reject(
                        edge,
                        Rejections.Reason.MALFORMED,
                        "batch " + header.seq() + " on " + m.getSubject(),
                        error.getMessage() + "; accounted as invalid, not stored");
                return invalid;
            }
        } catch (RuntimeException unreadable) {
            // not even a header: nothing to account it under
        }
        refuse(m, edge, Rejections.Reason.MALFORMED, "a message on " + m.getSubject(), error.getMessage());
        return null;
    }

    private void refuse(Message m, String edge, Rejections.Reason reason, String what, String why) {
        m.term();
        rejections.reject(edge, reason, what, why);
    }
}
