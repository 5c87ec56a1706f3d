package io.dualhub.central.gaps;

import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.recovery.RecoveryManager;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.micrometer.core.instrument.Counter;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Asks an edge to resend a range (request/reply on its command subject), each request audited as a
 * {@link RecoveryManager#GAP_RESEND} action from its start to the edge's answer. Called on the gap repair's
 * scheduler thread, which waits for the answer.
 */
final class ResendClient {
    private static final Logger LOG = LoggerFactory.getLogger(ResendClient.class);
    private static final Duration ANSWER_WAIT = Duration.ofSeconds(40);
    private final RecoveryLog audit;
    private final String instance;
    private final Duration grace;
    private final Clock clock;
    private final Counter requests;

    ResendClient(RecoveryLog audit, String instance, Duration grace, Clock clock, Counter requests) {
        this.audit = audit;
        this.instance = instance;
        this.grace = grace;
        this.clock = clock;
        this.requests = requests;
    }

    /** Asks the edge to resend the range, audited; true when it answered that it did. */
    boolean request(Connection c, MissingRange m) {
        try (AboutEdge about = AboutEdge.of(m.edge())) {
            return requestResend(c, m);
        }
    }

    private boolean requestResend(Connection c, MissingRange m) {
        requests.increment();
        String edge = m.edge();
        ResendRequest r = ResendRequest.of(
                m.incarnation(), m.from(), m.to(), UUID.randomUUID().toString().substring(0, 8));
        String where = m.instance().equals(instance) ? "here" : "by " + m.instance();
        LOG.warn(
                "edge {}: batches {}..{} acknowledged by the stream but not stored {}; asking for a resend ({})",
                edge,
                m.from(),
                m.to(),
                where,
                r.requestId());
        RecoveryAction action = RecoveryAction.begin(
                RecoveryManager.GAP_RESEND,
                edge,
                "asked the edge to resend " + "batches " + m.from() + ".." + m.to() + " (request " + r.requestId()
                        + ")",
                "acknowledged by the " + "stream but not stored " + where + " for over " + grace.toSeconds() + " s",
                clock.millis(),
                instance);
        audit.record(action);
        String outcome;
        boolean done = false;
        try {
            Message reply = c.request(Subjects.command(edge), EventCodec.encode(r), ANSWER_WAIT);
            ResendResult result = reply == null ? null : EventCodec.decode(reply.getData(), ResendResult.class);
            if (result == null) {
                outcome = "no answer from the edge";
            } else if (result.error() != null) {
                outcome = "the edge refused: " + result.error();
            } else {
                done = true;
                outcome = "resent " + result.resent() + " batches"
                        + (result.expiredTo() > 0
                                ? "; LOST (expired from " + "its retention): " + result.expiredFrom() + ".."
                                        + result.expiredTo()
                                : "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        } catch (RuntimeException e) {
            outcome = "not answered: " + e;
        }
        LOG.warn("edge {}: resend request {}: {}", edge, r.requestId(), outcome);
        audit.record(
                action.then(done ? RecoveryAction.DONE : RecoveryAction.FAILED, outcome, clock.millis(), instance));
        return done;
    }
}
