package io.dualhub.central.fleet;

import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PushSubscribeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.DeliverPolicy;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The latest heartbeat of every edge. Live heartbeats come through a plain subscription made as soon as NATS is
 * connected ({@link #start}), so liveness depends neither on the events stream nor on the metrics streams' setup, and
 * the subscription is renewed by the client across reconnects; the state before this hub started is read once from
 * the events stream, the last heartbeat of each edge, whenever the streams are (re)set up ({@link #replay}). A
 * heartbeat counts for the edge its subject names, and only when its payload names the same edge (else it is
 * refused, see {@link Rejections}); which heartbeat is an edge's latest is decided by the server's order or this
 * hub's clock, never by the edge's. What the heartbeats mean for an edge's state is the lifecycle manager's business.
 * A hub of one group of a partitioned site ignores the heartbeats of the other groups' edges here, where they enter,
 * so its lifecycle, gap repair, recovery and alerts never see an edge whose batches it does not read.
 * Thread-safe: heartbeats arrive on NATS dispatcher threads and the replay's caller.
 */
public final class FleetView {
    private static final Logger LOG = LoggerFactory.getLogger(FleetView.class);
    /** How long one replay of the events stream may take at most. */
    private static final Duration REPLAY_LIMIT = Duration.ofSeconds(10);
    /** How long the replay waits for the next stored heartbeat: the consumer's first one comes at once. */
    private static final Duration REPLAY_WAIT = Duration.ofMillis(250);

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
    private final Partition partition;

    public FleetView(Rejections rejections, Clock clock, Partition partition) {
        this.rejections = rejections;
        this.clock = clock;
        this.partition = partition;
    }

    /** True when the edge is this hub's group's: its heartbeats count here and its batches are read here. */
    public boolean owns(String edgeId) {
        return partition.owns(edgeId);
    }

    /** Subscribes to every edge's heartbeats as soon as the link is connected. */
    public void start(NatsLink nats) {
        nats.whenConnected(c -> c.createDispatcher(this::onHeartbeat).subscribe(Subjects.HEARTBEAT_WILDCARD));
    }

    /**
     * Reads the last heartbeat of each edge from the events stream, once, through an ordered consumer that is gone
     * when this returns (the Ingestor calls it when the streams are set up). A failure costs only the history: live
     * heartbeats keep arriving through the subscription.
     */
    public void replay(Connection c) {
        long deadline = System.nanoTime() + REPLAY_LIMIT.toNanos();
        int read = 0;
        try {
            PushSubscribeOptions options = PushSubscribeOptions.builder()
                    .ordered(true)
                    .configuration(ConsumerConfiguration.builder()
                            .deliverPolicy(DeliverPolicy.LastPerSubject)
                            .build())
                    .build();
            JetStreamSubscription sub = c.jetStream().subscribe(Subjects.HEARTBEAT_WILDCARD, options);
            try {
                for (Message m = sub.nextMessage(REPLAY_WAIT);
                        m != null && System.nanoTime() < deadline;
                        m = m.metaData().pendingCount() == 0 ? null : sub.nextMessage(REPLAY_WAIT)) {
                    onHeartbeat(m);
                    read++;
                }
            } finally {
                forget(c, sub);
            }
            LOG.info("heartbeats: the last of {} edges read from {}", read, Subjects.EVENTS_STREAM);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("heartbeats: the events stream could not be read ({}); live heartbeats only", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Ends the replay's subscription and deletes its consumer, rather than leaving it to time out. */
    private static void forget(Connection c, JetStreamSubscription sub) throws IOException {
        String consumer = sub.getConsumerName();
        sub.unsubscribe();
        try {
            c.jetStreamManagement().deleteConsumer(Subjects.EVENTS_STREAM, consumer);
        } catch (JetStreamApiException e) {
            LOG.debug("heartbeats: replay consumer {} already gone: {}", consumer, e.getMessage());
        }
    }

    void onHeartbeat(Message m) {
        String edge = Subjects.edgeOfEvent(m.getSubject());
        if (edge != null && !owns(edge)) {
            return; // another group's edge: that group's hubs take its heartbeats, and refuse them when bad
        }
        Heartbeat hb;
        try {
            hb = EventCodec.decode(m.getData(), Heartbeat.class);
        } catch (RuntimeException e) {
            rejections.reject(edge, Rejections.Reason.MALFORMED, "a heartbeat on " + m.getSubject(), e.getMessage());
            return;
        }
        if (!hb.edgeId().equals(edge)) {
            rejections.reject(
                    edge,
                    Rejections.Reason.EDGE_MISMATCH,
                    "a heartbeat on " + m.getSubject(),
                    "it names edge '" + hb.edgeId() + "', its subject edge '" + edge + "'");
            return;
        }
        // A heartbeat replayed from the stream counts from when the server stored it (never later than now on
        // this hub's clock, which orders the live ones), not from now.
        Seen seen = m.isJetStream()
                ? new Seen(
                        hb,
                        Math.min(
                                clock.millis(),
                                m.metaData().timestamp().toInstant().toEpochMilli()),
                        m.metaData().streamSequence())
                : new Seen(hb, clock.millis());
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
