package io.dualhub.central.ingest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EdgeMessage;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.Message;
import io.nats.client.api.MessageInfo;
import java.io.IOException;

/**
 * Says what JetStream parked: a message delivered {@code ingest.max-deliver} times to this hub's durable consumer
 * without being stored is never delivered again, and the server announces it with a max-deliveries advisory. Each
 * such message is read back from its stream and refused as {@link Rejections.Reason#MAX_DELIVERIES} under the edge of
 * its subject, with its sequence (counted, logged, audited). What it carried is not lost: it stays in the stream,
 * and the batch is a hole in its edge's sequence that gap repair asks the edge to send again. Runs on its own
 * dispatcher, since reading the message back is a JetStream request.
 */
final class ParkedMessages {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final NatsLink nats;
    private final String consumer;
    private final Rejections rejections;

    ParkedMessages(NatsLink nats, String consumer, Rejections rejections) {
        this.nats = nats;
        this.consumer = consumer;
        this.rejections = rejections;
    }

    /** JetStream's advisory subject for a message of {@code route} that reached its max deliveries. */
    static String advisory(MetricsRoute route, String consumer) {
        return "$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + route.stream() + "." + consumer;
    }

    /** Subscribes once connected; a core subscription, so jnats renews it after every reconnect. */
    void start() {
        nats.whenConnected(c -> {
            Dispatcher d = c.createDispatcher(this::onAdvisory);
            for (MetricsRoute route : MetricsRoute.values()) {
                d.subscribe(advisory(route, consumer));
            }
        });
    }

    private void onAdvisory(Message advisory) {
        String stream;
        long seq;
        long deliveries;
        try {
            JsonNode a = JSON.readTree(advisory.getData());
            stream = a.path("stream").asText();
            seq = a.path("stream_seq").asLong();
            deliveries = a.path("deliveries").asLong();
        } catch (IOException e) {
            rejections.reject(
                    null,
                    Rejections.Reason.MAX_DELIVERIES,
                    "a message (unreadable advisory on " + advisory.getSubject() + ")",
                    e.getMessage());
            return;
        }
        String where = "stream " + stream + " sequence " + seq;
        String why = "delivered " + deliveries + " times without being stored; left in the stream, not delivered "
                + "again; gap repair asks its edge to send it again";
        Connection c = nats.connection();
        try {
            MessageInfo parked = c.jetStreamManagement().getMessage(stream, seq);
            rejections.reject(
                    MetricsRoute.edgeOf(parked.getSubject()),
                    Rejections.Reason.MAX_DELIVERIES,
                    describe(parked.getData()) + " on " + parked.getSubject() + " (" + where + ")",
                    why);
        } catch (Exception e) { // gone from the stream meanwhile, or NATS away: still say it was parked
            rejections.reject(
                    null,
                    Rejections.Reason.MAX_DELIVERIES,
                    "the message at " + where,
                    why + " (not readable back: " + e.getMessage() + ")");
        }
    }

    private static String describe(byte[] data) {
        try {
            return EdgeMessage.decode(data).describe();
        } catch (RuntimeException e) {
            return "a message";
        }
    }
}
