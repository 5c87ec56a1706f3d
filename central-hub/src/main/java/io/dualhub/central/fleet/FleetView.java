package io.dualhub.central.fleet;

import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.common.wire.WireFormatException;
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
 * last heartbeat per edge, so a restarted or standby hub knows the fleet at once. What the heartbeats mean for an
 * edge's state is the lifecycle manager's business.
 */
public final class FleetView {
    private static final Logger LOG = LoggerFactory.getLogger(FleetView.class);

    /** The last heartbeat of an edge and when this hub received it. */
    public record Seen(Heartbeat heartbeat, long receivedAtMs) {
    }

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();
    private final Clock clock;
    private volatile Dispatcher dispatcher;

    public FleetView(Clock clock) {
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
        try {
            Heartbeat hb = EventCodec.decode(m.getData(), Heartbeat.class);
            // A heartbeat replayed from the stream counts from when the server stored it, not from now.
            long receivedAt = m.isJetStream() ? m.metaData().timestamp().toInstant().toEpochMilli() : clock.millis();
            latest.merge(hb.edgeId(), new Seen(hb, receivedAt),
                    (old, now) -> now.heartbeat().sentAtMs() >= old.heartbeat().sentAtMs() ? now : old);
        } catch (WireFormatException | IllegalArgumentException e) {
            try (AboutEdge about = AboutEdge.of(Subjects.edgeOfEvent(m.getSubject()))) {
                LOG.warn("ignoring invalid heartbeat on {}: {}", m.getSubject(), e.getMessage());
            }
        }
    }

    public Seen seen(String edgeId) {
        return latest.get(edgeId);
    }

    public Map<String, Seen> all() {
        return Map.copyOf(latest);
    }

}
