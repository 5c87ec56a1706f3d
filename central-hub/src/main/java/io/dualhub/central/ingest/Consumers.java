package io.dualhub.central.ingest;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.MessageConsumer;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This hub's standing pulls on both metrics routes, delivering into {@link Arrivals} on one dispatcher thread.
 * Started, checked and stopped by the ingest thread alone, which owns every field.
 */
final class Consumers {
    private static final Logger LOG = LoggerFactory.getLogger(Consumers.class);
    private static final Duration CONSUMER_CHECK = Duration.ofSeconds(5);
    private final NatsLink nats;
    private final StreamSetup setup;
    private final String instance;
    private final CentralConfig.IngestSettings settings;
    private final Arrivals arrivals;
    private final BooleanSupplier running;
    private final LongSupplier nanoTime;
    private Dispatcher dispatcher;
    private List<MessageConsumer> consumers; // null until started
    private long lastCheck;

    Consumers(
            NatsLink nats,
            StreamSetup setup,
            String instance,
            CentralConfig.IngestSettings settings,
            Arrivals arrivals,
            BooleanSupplier running,
            LongSupplier nanoTime) {
        this.nats = nats;
        this.setup = setup;
        this.instance = instance;
        this.settings = settings;
        this.arrivals = arrivals;
        this.running = running;
        this.nanoTime = nanoTime;
        this.lastCheck = nanoTime.getAsLong();
    }

    boolean started() {
        return consumers != null;
    }

    /** Starts the standing pulls on both routes. */
    void start(Connection c) throws IOException, JetStreamApiException {
        ConsumeOptions options = ConsumeOptions.builder()
                .batchSize(settings.fetchBatch())
                .batchBytes(Ingestor.ARRIVAL_BUDGET_BYTES)
                .expiresIn(Ingestor.PULL_EXPIRY.toMillis())
                .build();
        dispatcher = c.createDispatcher();
        List<MessageConsumer> started = new ArrayList<>();
        consumers = started;
        for (MetricsRoute route : MetricsRoute.values()) {
            started.add(c.getConsumerContext(route.stream(), Subjects.centralConsumer(instance))
                    .consume(options, dispatcher, m -> arrivals.put(m, running)));
        }
        LOG.info(
                "ingesting from {} and {} with durable consumers {}",
                MetricsRoute.PRIMARY.stream(),
                MetricsRoute.SECONDARY.stream(),
                Subjects.centralConsumer(instance));
    }

    /** Ends the standing pulls; what has already arrived stays in {@link Arrivals} for the next commits. */
    void stop() {
        if (consumers == null) {
            return;
        }
        for (MessageConsumer consumer : consumers) {
            try {
                consumer.close();
            } catch (Exception e) {
                LOG.debug("closing a consumer of {}: {}", Subjects.centralConsumer(instance), e.toString());
            }
        }
        consumers = null;
        Connection c = nats.connection();
        if (c != null && dispatcher != null) {
            try {
                c.closeDispatcher(dispatcher);
            } catch (RuntimeException e) {
                LOG.debug("closing the ingest dispatcher: {}", e.toString());
            }
        }
        dispatcher = null;
    }

    /**
     * A standing pull whose durable consumer was deleted (by hand, or NATS restored without it) just delivers
     * nothing; so while idle, every few seconds, check the consumers still exist, and stop (to be set up again) when
     * one is gone.
     */
    void checkWhileIdle(Connection c) throws IOException, JetStreamApiException {
        long now = nanoTime.getAsLong();
        if (now - lastCheck < CONSUMER_CHECK.toNanos()) {
            return;
        }
        lastCheck = now;
        List<String> gone = setup.missingConsumers(c.jetStreamManagement(), instance);
        if (!gone.isEmpty()) {
            LOG.warn("durable consumer {} is gone from {}; setting up again", Subjects.centralConsumer(instance), gone);
            stop();
        }
    }
}
