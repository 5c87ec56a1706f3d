package io.dualhub.central.fleet;

import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.Subjects;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest heartbeat of every edge, read through an ordered consumer on the events stream that starts with the
 * last heartbeat per edge, so a restarted or standby hub knows the fleet at once. A heartbeat counts for the edge its
 * subject names, and only when its payload names the same edge (else it is refused, see {@link Rejections}); which
 * heartbeat is an edge's latest is decided by the server's order, never by the edge's clock. What the heartbeats
 * mean for an edge's state is the lifecycle manager's business.
 */
public final class FleetView {
    private static final Logger LOG = LoggerFactory.getLogger(FleetView.class);

    /**
     * The last heartbeat of an edge; when the server stored it (or, read without the stream, when this hub received
     * it); and its stream sequence (0 when read without the stream).
     */
    public record Seen(Heartbeat heartbeat, long receivedAtMs, long streamSeq) {
        public Seen(Heartbeat heartbeat, long receivedAtMs) {
            this(heartbeat, receivedAtMs, 0);
        }
    }

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();
    private final Rejections rejections;
    private final Clock clock;
    private volatile Dispatcher dispatcher;

    public FleetView(Rejections rejections, Clock clock) {
        this.rejections = rejections;
        this.clock = clock;
    }

    /**
     * Subscribes, once, when the streams exist (the Ingestor calls this after its setup); the ordered consumer
     * re-creates itself across reconnects.
     */
    public synchronized void subscribe(Connection c) {
        if (dispatcher != null) {
            return;
        }
        try {
            dispatcher = c.createDispatcher();
            PushSubscribeOptions options = PushSubscribeOptions.builder().ordered(true)
                    .configuration(ConsumerConfiguration.builder().deliverPolicy(DeliverPolicy.LastPerSubject).build())
                    .build();
            c.jetStream().subscribe(Subjects.HEARTBEAT_WILDCARD, dispatcher, this::onHeartbeat, true, options);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            // The events stream may not exist yet on a fresh server: fall back to plain subscription.
            LOG.info("heartbeats: events stream not available ({}); subscribing directly", e.getMessage());
            dispatcher.subscribe(Subjects.HEARTBEAT_WILDCARD, this::onHeartbeat);
        }
    }

    void onHeartbeat(Message m) {
        String edge = Subjects.edgeOfEvent(m.getSubject());
        Heartbeat hb;
        try {
            hb = EventCodec.decode(m.getData(), Heartbeat.class);
        } catch (RuntimeException e) {
            rejections.reject(edge, Rejections.Reason.MALFORMED, "a heartbeat on " + m.getSubject(), e.getMessage());
            return;
        }
        if (!hb.edgeId().equals(edge)) {
            rejections.reject(edge, Rejections.Reason.EDGE_MISMATCH, "a heartbeat on " + m.getSubject(),
                    "it names edge '" + hb.edgeId() + "', its subject edge '" + edge + "'");
            return;
        }
        // A heartbeat replayed from the stream counts from when the server stored it, not from now.
        Seen seen = m.isJetStream() ? new Seen(hb, m.metaData().timestamp().toInstant().toEpochMilli(),
                m.metaData().streamSequence()) : new Seen(hb, clock.millis());
        latest.merge(edge, seen, FleetView::later);
    }

    /**
     * The later of two heartbeats of one edge in the server's order: by stream sequence when both came from the
     * stream, else by when they were stored or received. Never by {@code sentAtMs}: an edge's clock may step back
     * (its heartbeats would be ignored and it would go OFFLINE) or claim the far future (pinning one heartbeat).
     */
    static Seen later(Seen old, Seen now) {
        if (old.streamSeq() > 0 && now.streamSeq() > 0) {
            return now.streamSeq() >= old.streamSeq() ? now : old;
        }
        return now.receivedAtMs() >= old.receivedAtMs() ? now : old;
    }

    public Seen seen(String edgeId) {
        return latest.get(edgeId);
    }

    public Map<String, Seen> all() {
        return Map.copyOf(latest);
    }

}
