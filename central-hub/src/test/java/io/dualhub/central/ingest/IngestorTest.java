package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.chaos.harness.NatsFixture;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.PublishOptions;
import io.nats.client.api.ConsumerInfo;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Ingestor's standing pulls against a real nats-server that is restarted: the pulls die with the server, and
 * batches published on either route after it are stored within seconds — not after jnats' default pull expiry,
 * whose missed-heartbeat alarm comes only after 45 s.
 */
class IngestorTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final Set<Long> stored = ConcurrentHashMap.newKeySet();
    private final String incarnation = Incarnations.newId();

    @Test
    void batchesOnBothRoutesAreStoredSoonAfterTheServerRestarts() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC());
             NatsLink link = NatsLink.open(settings(), "test-ingestor");
             Ingestor ingestor = new Ingestor(link, new StreamSetup(config.stream(), config.ingest()), "t",
                     config.ingest(), store, c -> { }, listener(), new SimpleMeterRegistry(), Clock.systemUTC())) {
            ingestor.start();
            await("streams set up").atMost(Duration.ofSeconds(30)).until(() -> ingestor.state() == Ingestor.State.RUNNING);
            publish(link, MetricsRoute.PRIMARY, 1);
            await("first batch stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(1L));

            NATS.node(0).restart();
            await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
            publish(link, MetricsRoute.PRIMARY, 2);
            publish(link, MetricsRoute.SECONDARY, 3);
            await("both batches stored after the restart, well before a 45 s heartbeat alarm")
                    .atMost(Duration.ofSeconds(20)).until(() -> stored.containsAll(List.of(2L, 3L)));
            assertThat(stored).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }

    /** Bad input on the wire: terminated and counted, never redelivered, and the batches after it are stored. */
    @Test
    void aMessageThatIsNotABatchIsTerminatedAndTheNextBatchIsStored() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC());
             NatsLink link = NatsLink.open(settings(), "test-ingestor");
             Ingestor ingestor = new Ingestor(link, new StreamSetup(config.stream(), config.ingest()), "bad",
                     config.ingest(), store, c -> { }, listener(), meters, Clock.systemUTC())) {
            ingestor.start();
            await("streams set up").atMost(Duration.ofSeconds(30)).until(() -> ingestor.state() == Ingestor.State.RUNNING);
            publish(link, MetricsRoute.PRIMARY, "garbage", new byte[] {(byte) 0xD1, 9, 1, 2, 3});
            publish(link, MetricsRoute.PRIMARY, 1);
            await("the batch after it stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(1L));
            assertThat(meters.counter("dualhub.central.messages.invalid").count()).isEqualTo(1);
            ConsumerInfo consumer = link.connection().jetStreamManagement()
                    .getConsumerInfo(MetricsRoute.PRIMARY.stream(), "central-bad");
            assertThat(consumer.getNumAckPending()).as("nothing left unacknowledged to come again").isZero();
            assertThat(consumer.getRedelivered()).isZero();
        }
    }

    private static NatsSettings settings() {
        return new NatsSettings(List.of(NATS.urls()), Duration.ofSeconds(1), Duration.ofMillis(500),
                2, Duration.ofMillis(100), Duration.ofMillis(100), true);
    }

    /** Publishes batch {@code seq} and waits for the stream's ack (retrying while the restarted server settles). */
    private void publish(NatsLink link, MetricsRoute route, long seq) {
        publish(link, route, "e1-" + seq, BatchCodec.encode(new Batch("e1", incarnation, seq,
                System.currentTimeMillis(), List.of(Point.of("m", Map.of(), 1_700_000_000_000L + seq, seq)))));
    }

    private static void publish(NatsLink link, MetricsRoute route, String messageId, byte[] payload) {
        PublishOptions options = PublishOptions.builder().messageId(messageId).expectedStream(route.stream()).build();
        await(messageId + " acknowledged by " + route.stream()).atMost(Duration.ofSeconds(30))
                .ignoreExceptions().until(() -> link.connection().jetStream()
                        .publish(route.subject("e1"), payload, options).getSeqno() > 0);
    }

    private IngestListener listener() {
        return new IngestListener() {
            @Override
            public void stored(Batch batch) {
                stored.add(batch.seq());
            }

            @Override
            public void declared(GapDeclaration gap) {
            }

            @Override
            public void streamsCreated(List<String> streams) {
            }
        };
    }
}
