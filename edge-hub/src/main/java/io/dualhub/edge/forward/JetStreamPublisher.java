package io.dualhub.edge.forward;

import io.dualhub.common.nats.NatsLink;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import java.io.IOException;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** The forwarder's {@link Publisher} on a {@link NatsLink}; its JetStream context is the forwarder thread's. */
final class JetStreamPublisher implements Publisher {
    private final NatsLink nats;
    private final Duration publishTimeout;
    private JetStream jetStream;

    JetStreamPublisher(NatsLink nats, Duration publishTimeout) {
        this.nats = nats;
        this.publishTimeout = publishTimeout;
    }

    @Override
    public boolean connect() {
        Connection c = nats.connection();
        if (c == null) {
            return false;
        }
        try {
            jetStream = c.jetStream();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Override
    public OptionalLong maxPayload() {
        Connection c = nats.connection();
        if (c == null || c.getServerInfo() == null) {
            return OptionalLong.empty();
        }
        return OptionalLong.of(c.getServerInfo().getMaxPayload());
    }

    @Override
    public CompletableFuture<?> publish(String subject, String stream, String msgId, byte[] payload) {
        PublishOptions options = PublishOptions.builder()
                .messageId(msgId)
                .expectedStream(stream)
                .streamTimeout(publishTimeout)
                .build();
        return jetStream.publishAsync(subject, payload, options);
    }

    @Override
    public void publishEvent(String subject, byte[] event) {
        Connection c = nats.connection();
        if (c != null) {
            c.publish(subject, event);
        }
    }

    @Override
    public void forceReconnect() {
        nats.forceReconnect();
    }

    @Override
    public void onReconnect(Runnable listener) {
        nats.onReconnect(listener);
    }
}
