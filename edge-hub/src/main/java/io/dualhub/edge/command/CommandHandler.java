package io.dualhub.edge.command;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.common.wire.WireFormatException;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers the CentralHub's requests on {@code dualhub.cmd.<edgeId>}. A resend request republishes acknowledged
 * batches from the retained buffer under new message ids; a part of the range that already expired from retention
 * is declared lost in the metrics stream, so every CentralHub counts it. A reconnect request is answered, then the
 * NATS connection is dropped and re-established. Runs on its own dispatcher thread.
 */
public final class CommandHandler {
    private static final Logger LOG = LoggerFactory.getLogger(CommandHandler.class);
    /** Batches one request may ask for; the CentralHub asks again for the rest. */
    static final int MAX_RESEND = 10_000;
    private static final long ACK_TIMEOUT_SECONDS = 30;

    private final String edgeId;
    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final Clock clock;

    public CommandHandler(String edgeId, EdgeBuffer buffer, NatsLink nats, Clock clock) {
        this.edgeId = edgeId;
        this.buffer = buffer;
        this.nats = nats;
        this.clock = clock;
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
                LOG.warn("reconnecting to NATS at the CentralHub's request {} (its drain stalled)", request.requestId());
                nats.forceReconnect();
                return;
            }
            result = ResendRequest.TYPE.equals(request.type()) ? resend(m.getConnection(), request)
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
                m.getConnection().flushBuffer();  // the answer leaves before a reconnect drops the connection
            } catch (IOException e) {
                LOG.debug("reply not flushed: {}", e.toString());
            }
        }
    }

    ResendResult resend(Connection c, ResendRequest r) throws IOException {
        if (r.incarnation() != null && !r.incarnation().equals(buffer.incarnation())) {
            return ResendResult.failed("request for incarnation '" + r.incarnation() + "', this buffer is '"
                    + buffer.incarnation() + "' (its data directory was recreated)");
        }
        long to = Math.min(Math.min(r.toSeq(), buffer.checkpointSeq()), r.fromSeq() + MAX_RESEND - 1);
        if (r.fromSeq() < 1 || to < r.fromSeq()) {
            return ResendResult.failed("nothing to resend in " + r.fromSeq() + ".." + r.toSeq()
                    + " (acknowledged up to " + buffer.checkpointSeq() + ")");
        }
        JetStream js = c.jetStream();
        String subject = Subjects.metrics(edgeId);
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        long firstRetained = buffer.readRange(r.fromSeq(), to, b -> acks.add(js.publishAsync(subject, b.payload(),
                PublishOptions.builder().messageId(Subjects.msgId(edgeId, buffer.incarnation(), b.seq()) + "-resend-"
                        + r.requestId()).build())));
        long expiredTo = Math.min(to, firstRetained - 1);
        if (expiredTo >= r.fromSeq()) {
            declareLost(js, subject, r.fromSeq(), expiredTo);
        }
        try {
            CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(ACK_TIMEOUT_SECONDS, TimeUnit.SECONDS);
        } catch (Exception e) {
            return new ResendResult(acks.stream().filter(f -> f.isDone() && !f.isCompletedExceptionally()).count(),
                    0, 0, "not all resent batches were acknowledged: " + e);
        }
        LOG.info("resent batches {}..{} on request {} ({} republished{})", r.fromSeq(), to, r.requestId(), acks.size(),
                expiredTo >= r.fromSeq() ? ", " + r.fromSeq() + ".." + expiredTo + " expired and declared lost" : "");
        return expiredTo >= r.fromSeq() ? new ResendResult(acks.size(), r.fromSeq(), expiredTo, null)
                : new ResendResult(acks.size(), 0, 0, null);
    }

    private void declareLost(JetStream js, String subject, long from, long to) throws IOException {
        int[] unknown = new int[(int) (to - from + 1)];
        Arrays.fill(unknown, -1);
        GapDeclaration lost = new GapDeclaration(edgeId, buffer.incarnation(), from, to, GapDeclaration.Reason.EXPIRED,
                unknown, clock.millis());
        LOG.error("batches {}..{} were requested again but expired from this edge's retention: declared lost", from, to);
        try {
            js.publish(subject, GapCodec.encode(lost),
                    PublishOptions.builder().messageId(Subjects.msgId(edgeId, buffer.incarnation(), from) + "-lost-" + to)
                            .build());
        } catch (io.nats.client.JetStreamApiException e) {
            throw new IOException(e);
        }
    }
}
