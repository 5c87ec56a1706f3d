package io.dualhub.edge.command;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.common.wire.WireFormatException;
import io.dualhub.edge.buffer.BufferLife;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the CentralHub's requests on {@code dualhub.cmd.<edgeId>}. A resend request republishes acknowledged
 * batches from the retained buffer under new message ids; a part of the range that already expired from retention
 * is declared lost in the metrics stream, so every CentralHub counts it. A reconnect request is answered, then the
 * NATS connection is dropped and re-established. Runs on its own dispatcher thread, which owns the resend budgets.
 *
 * <p>A resend is bounded ({@link ResendSettings}): it stops after {@code resend.max-bytes} (the CentralHub asks again
 * for the rest), keeps at most {@code resend.max-in-flight} of republished batches waiting for their ack, ends
 * within {@link #RESEND_DEADLINE_MS}, and spends its requester's {@code resend.max-bytes-per-minute}; a requester
 * whose budget is used up is refused with the time to wait.
 */
public final class CommandHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    /** Batches one request may ask for; the CentralHub asks again for the rest. */
    static final int MAX_RESEND = 10_000;
    /** A resend publishes nothing new after this and answers: the CentralHub waits 40 s for the answer. */
    static final long RESEND_DEADLINE_MS = 30_000;
    /** How long after the deadline the last acks are waited for. */
    private static final long ACK_GRACE_MS = 5_000;

    private final String edgeId;
    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final Clock clock;
    private final ResendSettings settings;
    private final ResendBudget budgets;

    public CommandHandler(String edgeId, EdgeBuffer buffer, NatsLink nats, Clock clock, ResendSettings settings) {
        this.edgeId = edgeId;
        this.buffer = buffer;
        this.nats = nats;
        this.clock = clock;
        this.settings = settings;
        this.budgets = new ResendBudget(settings.bytesPerMinute());
    }

    public void start() {
        nats.whenConnected(c -> c.createDispatcher(this::onMessage).subscribe(Subjects.command(edgeId)));
    }

    private void onMessage(Message m) {
        ResendResult result;
        try {
            ResendRequest request = EventCodec.decode(m.getData(), ResendRequest.class);
            if (ResendRequest.RECONNECT.equals(request.type())) {
                reply(m, new ResendResult(0, 0, 0, null));
                LOG.warn(
                        "reconnecting to NATS at the CentralHub's request {} (its drain stalled)", request.requestId());
                nats.forceReconnect();
                return;
            }
            result = ResendRequest.TYPE.equals(request.type())
                    ? resend(m.getConnection(), request, requester(m))
                    : ResendResult.failed("unknown command type '" + request.type() + "'; known: resend, reconnect");
        } catch (WireFormatException e) {
            result = ResendResult.failed(e.getMessage());
        } catch (IOException | RuntimeException e) {
            LOG.warn("resend failed: {}", e.toString());
            result = ResendResult.failed(e.toString());
        }
        reply(m, result);
    }

    private static void reply(Message m, ResendResult result) {
        if (m.getReplyTo() != null) {
            m.getConnection().publish(m.getReplyTo(), EventCodec.encode(result));
            try {
                m.getConnection().flushBuffer(); // the answer leaves before a reconnect drops the connection
            } catch (IOException e) {
                LOG.debug("reply not flushed: {}", e.toString());
            }
        }
    }

    /** The connection a request came from: its reply inbox without the last token (jnats' per-request token). */
    static String requester(Message m) {
        String replyTo = m.getReplyTo();
        return replyTo == null ? "(no reply subject)" : replyTo.substring(0, Math.max(0, replyTo.lastIndexOf('.')));
    }

    /**
     * Republishes {@code fromSeq..toSeq} of the requested incarnation (the current one when the request names none),
     * as far as acknowledged, retained and within the bounds; declares the part that expired.
     */
    ResendResult resend(Connection c, ResendRequest r, String requester) throws IOException {
        BufferLife life = buffer.life(r.incarnation() == null ? buffer.incarnation() : r.incarnation());
        if (life == null) {
            return ResendResult.failed("request for incarnation '" + r.incarnation() + "', this buffer is '"
                    + buffer.incarnation() + "' (its data directory was recreated)");
        }
        long acked = life.wireSeq(Math.min(buffer.checkpointSeq(), life.lastSeq()));
        long to = Math.min(Math.min(r.toSeq(), acked), r.fromSeq() + MAX_RESEND - 1);
        if (r.fromSeq() < 1 || to < r.fromSeq()) {
            return ResendResult.failed(
                    "nothing to resend in " + r.fromSeq() + ".." + r.toSeq() + " (acknowledged up to " + acked + ")");
        }
        long now = clock.millis();
        ResendBudget.Bucket budget = budgets.of(requester, now);
        if (budget.available() <= 0) {
            return ResendResult.failed("this requester used its resend budget (resend.max-bytes-per-minute = "
                    + settings.bytesPerMinute() + "); ask again in " + budget.waitMs(settings.maxBytes()) + " ms");
        }
        JetStream js = c.jetStream();
        String subject = Subjects.metrics(edgeId);
        Republisher out = new Republisher(
                js,
                subject,
                life,
                r.requestId(),
                Math.min(settings.maxBytes(), budget.available()),
                now + RESEND_DEADLINE_MS);
        long firstRetained = life.wireSeq(buffer.readRange(life.queueSeq(r.fromSeq()), life.queueSeq(to), out::offer));
        budget.spend(out.bytes);
        long expiredTo = Math.min(to, firstRetained - 1);
        if (expiredTo >= r.fromSeq()) {
            LOG.error(
                    "batches {}..{} were requested again but expired from this edge's retention: declared lost",
                    r.fromSeq(),
                    expiredTo);
            LostDeclarations.publish(
                    js,
                    subject,
                    GapDeclaration.lost(edgeId, life.incarnation(), r.fromSeq(), expiredTo, clock.millis()));
        }
        String failure = out.awaitAcks();
        if (failure != null) {
            return new ResendResult(out.acked, 0, 0, failure);
        }
        long resentTo = out.lastSeq < 0 ? expiredTo : life.wireSeq(out.lastSeq);
        LOG.info(
                "resent batches {}..{} on request {} ({} republished, {} bytes{}{})",
                r.fromSeq(),
                resentTo,
                r.requestId(),
                out.acked,
                out.bytes,
                resentTo < to
                        ? "; " + (resentTo + 1) + ".." + to + " left for the next request (" + out.stoppedBy + ")"
                        : "",
                expiredTo >= r.fromSeq() ? ", " + r.fromSeq() + ".." + expiredTo + " expired and declared lost" : "");
        return expiredTo >= r.fromSeq()
                ? new ResendResult(out.acked, r.fromSeq(), expiredTo, null)
                : new ResendResult(out.acked, 0, 0, null);
    }

    /**
     * Republishes the batches one resend reads, under new message ids, while its bytes, its deadline and the acks in
     * flight allow; used by one resend on the dispatcher thread.
     */
    private final class Republisher {
        private final JetStream js;
        private final String subject;
        private final BufferLife life;
        private final String requestId;
        private final long maxBytes;
        private final long deadlineMs;
        private final ArrayDeque<Sent> inFlight = new ArrayDeque<>();
        private long inFlightBytes;
        private long bytes;
        private long acked;
        private long lastSeq = -1;
        private String failure;
        private String stoppedBy;

        private record Sent(CompletableFuture<PublishAck> ack, long bytes) {}

        Republisher(JetStream js, String subject, BufferLife life, String requestId, long maxBytes, long deadlineMs) {
            this.js = js;
            this.subject = subject;
            this.life = life;
            this.requestId = requestId;
            this.maxBytes = maxBytes;
            this.deadlineMs = deadlineMs;
        }

        /** Publishes the batch, or says (false) that this resend stops before it. */
        boolean offer(BufferedBatch b) {
            if (bytes > 0 && bytes + b.size() > maxBytes) {
                stoppedBy = "resend.max-bytes or the requester's budget";
                return false;
            }
            if (clock.millis() >= deadlineMs) {
                stoppedBy = "the " + RESEND_DEADLINE_MS + " ms deadline";
                return false;
            }
            while (!inFlight.isEmpty() && inFlightBytes + b.size() > settings.maxInFlightBytes()) {
                if (!awaitOldest()) {
                    stoppedBy = failure;
                    return false;
                }
            }
            CompletableFuture<PublishAck> ack = js.publishAsync(
                    subject,
                    b.payload(),
                    PublishOptions.builder()
                            .messageId(Subjects.msgId(edgeId, life.incarnation(), life.wireSeq(b.seq())) + "-resend-"
                                    + requestId)
                            .build());
            inFlight.add(new Sent(ack, b.size()));
            inFlightBytes += b.size();
            bytes += b.size();
            lastSeq = b.seq();
            return true;
        }

        /** Waits for every ack still in flight; null when all came, else what went wrong. */
        String awaitAcks() {
            while (!inFlight.isEmpty() && awaitOldest()) {
                // each turn takes one ack
            }
            return failure;
        }

        private boolean awaitOldest() {
            Sent oldest = inFlight.poll();
            inFlightBytes -= oldest.bytes();
            try {
                oldest.ack().get(Math.max(1, deadlineMs + ACK_GRACE_MS - clock.millis()), TimeUnit.MILLISECONDS);
                acked++;
                return true;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                failure = "interrupted while waiting for the acks of resent batches";
            } catch (ExecutionException | TimeoutException e) {
                failure = "not all resent batches were acknowledged: " + e;
            }
            inFlight.clear();
            return false;
        }
    }
}
