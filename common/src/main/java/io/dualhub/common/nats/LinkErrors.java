package io.dualhub.common.nats;

import io.nats.client.Connection;
import io.nats.client.Consumer;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamSubscription;
import io.nats.client.support.Status;

/**
 * What jnats reports about one connection, each kind as one line through {@link RepeatedErrors}: the connection's
 * errors, and three that are otherwise silent stalls. A pull the server dropped without answering (nats-server 2.9
 * can, around a leader change) is noticed only by its missed idle heartbeats, seconds later, and pulled again; a pull
 * can end with an error status (its consumer deleted); and a subscriber that falls behind has messages dropped by
 * the client, which JetStream delivers again only after the consumer's ack wait. Called on jnats' threads.
 */
final class LinkErrors implements ErrorListener {
    private final RepeatedErrors errors;

    LinkErrors(RepeatedErrors errors) {
        this.errors = errors;
    }

    @Override
    public void errorOccurred(Connection conn, String error) {
        errors.report(error);
    }

    @Override
    public void exceptionOccurred(Connection conn, Exception exp) {
        errors.report(RepeatedErrors.describe(exp));
    }

    @Override
    public void heartbeatAlarm(
            Connection conn, JetStreamSubscription sub, long lastStreamSequence, long lastConsumerSequence) {
        errors.report("a pull of consumer " + consumerOf(sub)
                + " missed its idle heartbeats (the server dropped it, or did not answer); pulling again");
    }

    @Override
    public void pullStatusError(Connection conn, JetStreamSubscription sub, Status status) {
        errors.report("a pull of consumer " + consumerOf(sub) + " ended with " + status.getCode() + " "
                + status.getMessage());
    }

    @Override
    public void slowConsumerDetected(Connection conn, Consumer consumer) {
        errors.report("a subscriber fell behind and the client dropped messages for it (a slow consumer);"
                + " JetStream delivers them again after the consumer's ack wait");
    }

    private static String consumerOf(JetStreamSubscription sub) {
        try {
            return sub == null ? "?" : sub.getConsumerName();
        } catch (RuntimeException e) {
            return "?"; // a subscription already closed
        }
    }
}
