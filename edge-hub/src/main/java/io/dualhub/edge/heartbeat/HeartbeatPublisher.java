package io.dualhub.edge.heartbeat;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.edge.forward.Forwarder;
import io.nats.client.Connection;
import java.time.Clock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the edge's heartbeat on {@code dualhub.events.<edgeId>.heartbeat}. A heartbeat is a fact about now,
 * so one that cannot be sent (NATS unreachable) is skipped, never buffered.
 */
public final class HeartbeatPublisher {
    private static final Logger LOG = LoggerFactory.getLogger(HeartbeatPublisher.class);
    /** This host's operating system, architecture, cores and memory as the JVM sees them. */
    private static final String OS = System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
            + System.getProperty("os.arch") + ", " + Runtime.getRuntime().availableProcessors() + " cores";

    private final String edgeId;
    private final String version;
    private final String host;
    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final Clock clock;
    private final Forwarder forwarder;

    public HeartbeatPublisher(
            String edgeId,
            String version,
            String host,
            EdgeBuffer buffer,
            NatsLink nats,
            Forwarder forwarder,
            Clock clock) {
        this.forwarder = forwarder;
        this.edgeId = edgeId;
        this.version = version;
        this.host = host;
        this.buffer = buffer;
        this.nats = nats;
        this.clock = clock;
    }

    public Heartbeat current() {
        return new Heartbeat(
                edgeId,
                version,
                clock.millis(),
                buffer.backlog(),
                buffer.lastSeq(),
                buffer.checkpointSeq(),
                host,
                buffer.incarnation(),
                forwarder.circuitState(),
                buffer.forwardLagMs(),
                OS,
                forwarder.publishAckLatency());
    }

    /** Sends one heartbeat if connected; returns whether it was handed to the connection. */
    public boolean beat() {
        Connection c = nats.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            return false;
        }
        try {
            c.publish(Subjects.heartbeat(edgeId), EventCodec.encode(current()));
            return true;
        } catch (RuntimeException e) {
            LOG.debug("heartbeat skipped: {}", e.toString());
            return false;
        }
    }
}
