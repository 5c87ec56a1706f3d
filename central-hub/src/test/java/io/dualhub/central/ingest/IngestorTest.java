package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.KilledStore;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.NatsFixture;
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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.BeforeEach;
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
    private final List<RecoveryAction> audit = new CopyOnWriteArrayList<>();
    private final String incarnation = Incarnations.newId();

    /** Each test starts from empty streams: a message another test left would be read by this one's consumer. */
    @BeforeEach
    void deleteStreams() {
        NATS.deleteStreams();
    }

    @Test
    void batchesOnBothRoutesAreStoredSoonAfterTheServerRestarts() throws Exception {
        try (Rig rig = startedRig("t", Map.of())) {
            NatsLink link = rig.link();
            publish(link, MetricsRoute.PRIMARY, 1);
            await("first batch stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(1L));

            NATS.node(0).restart();
            await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
            publish(link, MetricsRoute.PRIMARY, 2);
            publish(link, MetricsRoute.SECONDARY, 3);
            await("both batches stored after the restart, well before a 45 s heartbeat alarm")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> stored.containsAll(List.of(2L, 3L)));
            assertThat(stored).containsExactlyInAnyOrder(1L, 2L, 3L);
        }
    }

    /** Bad input on the wire: terminated and counted, never redelivered, and the batches after it are stored. */
    @Test
    void aMessageThatIsNotABatchIsTerminatedAndTheNextBatchIsStored() throws Exception {
        try (Rig rig = startedRig("bad", Map.of())) {
            NatsLink link = rig.link();
            SimpleMeterRegistry meters = rig.meters();
            publish(link, MetricsRoute.PRIMARY, "garbage", new byte[] {(byte) 0xD1, 2, 1, 2, 3});
            publish(link, MetricsRoute.PRIMARY, 1);
            await("the batch after it stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(1L));
            assertThat(meters.counter("dualhub.central.messages.rejected", "reason", "malformed")
                            .count())
                    .isEqualTo(1);
            assertThat(audit)
                    .singleElement()
                    .satisfies(a -> assertThat(a.edge()).isEqualTo("e1"));
            ConsumerInfo consumer = link.connection()
                    .jetStreamManagement()
                    .getConsumerInfo(MetricsRoute.PRIMARY.stream(), "central-bad");
            assertThat(consumer.getNumAckPending())
                    .as("nothing left unacknowledged to come again")
                    .isZero();
            assertThat(consumer.getRedelivered()).isZero();
        }
    }

    /**
     * Identity is the subject: edge e1's user, on its own subject, publishes a batch and a gap declaration that
     * claim to be e2. Neither is stored or believed (e2 gets no points, no sequence, no incarnation), both are
     * terminated, and e1's next batch is stored.
     */
    @Test
    void aMessageClaimingAnotherEdgeThanItsSubjectIsRefused() throws Exception {
        try (Rig rig = startedRig("id", Map.of())) {
            MetricStore store = rig.store();
            NatsLink link = rig.link();
            SimpleMeterRegistry meters = rig.meters();
            String forged = Incarnations.newId();
            publishBatch(link, "e2-forged-5", "e2", forged, 5, Point.of("m", Map.of(), System.currentTimeMillis(), 1));
            publish(
                    link,
                    MetricsRoute.SECONDARY,
                    "e2-forged-gap",
                    GapCodec.encode(new GapDeclaration(
                            "e2",
                            forged,
                            1,
                            4,
                            GapDeclaration.Reason.OVERFLOW,
                            new int[4],
                            System.currentTimeMillis())));
            publish(link, MetricsRoute.PRIMARY, 1);
            await("e1's batch stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(1L));
            await("both refused")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> meters.counter("dualhub.central.messages.rejected", "reason", "edge-mismatch")
                                    .count()
                            == 2);
            assertThat(store.edges()).as("nothing stored or believed for e2").containsOnlyKeys("e1");
            assertThat(stored).containsExactly(1L);
            assertThat(audit)
                    .as("audited once a minute per edge and reason: the first of the two")
                    .singleElement()
                    .satisfies(a -> {
                        assertThat(a.edge())
                                .as("the subject's edge, the one that sent it")
                                .isEqualTo("e1");
                        assertThat(a.why()).contains("names edge 'e2'");
                    });
            for (MetricsRoute route : MetricsRoute.values()) {
                ConsumerInfo consumer =
                        link.connection().jetStreamManagement().getConsumerInfo(route.stream(), "central-id");
                assertThat(consumer.getNumAckPending())
                        .as("terminated, not left to come again")
                        .isZero();
            }
        }
    }

    /**
     * A batch of this edge that arrived unusable is refused but accounted: its points break the point limits (a
     * timestamp past 2262), or only its header decodes (a metric name the schema refuses). Both sequences are
     * accounted as invalid, so no hole stays open for gap repair to ask for forever, and the next batch is stored.
     */
    @Test
    void anInvalidBatchIsAccountedSoNoHoleStaysOpen() throws Exception {
        try (Rig rig = startedRig("inv", Map.of())) {
            MetricStore store = rig.store();
            NatsLink link = rig.link();
            SimpleMeterRegistry meters = rig.meters();
            publishBatch(link, "e1-1", "e1", incarnation, 1, Point.of("m", Map.of(), Long.MAX_VALUE, 1));
            publishBatch(
                    link, "e1-2", "e1", incarnation, 2, Point.of("bad-name", Map.of(), System.currentTimeMillis(), 1));
            publish(link, MetricsRoute.PRIMARY, 3);
            await("batch 3 stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(3L));
            EdgeStoreState e1 = store.edges().get("e1");
            assertThat(e1.contiguousSeq()).as("no hole").isEqualTo(3);
            assertThat(e1.missing()).isEmpty();
            assertThat(e1.invalidBatches()).isEqualTo(2);
            assertThat(e1.invalidRanges()).containsExactly("1-2");
            assertThat(e1.points()).isEqualTo(1);
            assertThat(meters.counter("dualhub.central.messages.rejected", "reason", "invalid")
                            .count())
                    .isEqualTo(1);
            assertThat(meters.counter("dualhub.central.messages.rejected", "reason", "malformed")
                            .count())
                    .isEqualTo(1);
            ConsumerInfo consumer = link.connection()
                    .jetStreamManagement()
                    .getConsumerInfo(MetricsRoute.PRIMARY.stream(), "central-inv");
            assertThat(consumer.getNumAckPending()).isZero();
        }
    }

    /**
     * A batch in a newer wire format than this hub reads is not malformed: it is refused loudly but not accounted as
     * invalid, so its sequence stays a hole that gap repair has resent once the hub reads the format (a newer hub
     * stores it from the stream); it is not held unacknowledged, where such messages could fill max-ack-pending.
     */
    @Test
    void aBatchInANewerWireFormatIsRefusedButLeftAHole() throws Exception {
        try (Rig rig = startedRig("newer", Map.of())) {
            NatsLink link = rig.link();
            byte[] newer = BatchCodec.encode(new Batch(
                    "e1",
                    incarnation,
                    1,
                    System.currentTimeMillis(),
                    List.of(Point.of("m", Map.of(), System.currentTimeMillis(), 1))));
            newer[1] = 9; // the version byte
            publish(link, MetricsRoute.PRIMARY, "e1-1", newer);
            publish(link, MetricsRoute.PRIMARY, 2);
            await("batch 2 stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(2L));
            await("refused as newer-format")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> rig.meters()
                                    .counter("dualhub.central.messages.rejected", "reason", "newer-format")
                                    .count()
                            == 1);
            EdgeStoreState e1 = rig.store().edges().get("e1");
            assertThat(e1.invalidBatches()).as("not accounted as invalid").isZero();
            assertThat(e1.missing()).as("a hole for a newer hub or gap repair").containsExactly(new long[] {1, 1});
            ConsumerInfo consumer = link.connection()
                    .jetStreamManagement()
                    .getConsumerInfo(MetricsRoute.PRIMARY.stream(), "central-newer");
            assertThat(consumer.getNumAckPending()).as("not held").isZero();
        }
    }

    /**
     * A message that keeps failing for a reason other than its content (here: a store that cannot commit) is
     * delivered ingest.max-deliver times, then parked by JetStream and reported: refused as max-deliveries with its
     * edge and sequence, audited, and no longer pending, so gap repair (which waits for nothing pending) can run.
     */
    @Test
    void aMessageDeliveredMaxDeliverTimesWithoutBeingStoredIsParkedAndReported() throws Exception {
        try (Rig rig = startedRig("parks", Map.of("ingest.max-deliver", "2"))) {
            NatsLink link = rig.link();
            SimpleMeterRegistry meters = rig.meters();
            rig.store().close(); // every commit fails from now on
            publish(link, MetricsRoute.PRIMARY, 1);
            await("parked after 2 deliveries (retries after 1 s, 2 s), and audited (after it is counted)")
                    .atMost(Duration.ofSeconds(20))
                    .until(() -> meters.counter("dualhub.central.messages.rejected", "reason", "max-deliveries")
                                            .count()
                                    == 1
                            && !audit.isEmpty());
            assertThat(audit).singleElement().satisfies(a -> {
                assertThat(a.edge()).isEqualTo("e1");
                assertThat(a.what()).contains("batch 1 on dualhub.metrics.e1", "sequence 1");
                assertThat(a.why()).contains("delivered 2 times");
            });
            ConsumerInfo consumer = link.connection()
                    .jetStreamManagement()
                    .getConsumerInfo(MetricsRoute.PRIMARY.stream(), "central-parks");
            assertThat(consumer.getNumAckPending()).as("no longer pending").isZero();
            assertThat(stored).isEmpty();
            assertThat(rig.ingestor().storeFailingForMs())
                    .as("failing since the first commit")
                    .isPositive();
        }
    }

    /** A batch past store.max-series-per-edge is refused, counted and audited; the edge's next batch is stored. */
    @Test
    void aBatchPastTheEdgesSeriesBoundIsRefusedAndTheNextStored() throws Exception {
        try (Rig rig = startedRig("series", Map.of("store.max-series-per-edge", "1"))) {
            NatsLink link = rig.link();
            publish(link, MetricsRoute.PRIMARY, 1);
            publishBatch(
                    link,
                    "e1-2",
                    "e1",
                    incarnation,
                    2,
                    Point.of("m", Map.of("new", "series"), System.currentTimeMillis(), 1));
            publish(link, MetricsRoute.PRIMARY, 3);
            await("batch 3 stored").atMost(Duration.ofSeconds(10)).until(() -> stored.contains(3L));
            assertThat(stored).containsExactlyInAnyOrder(1L, 3L);
            assertThat(rig.meters()
                            .counter("dualhub.central.messages.rejected", "reason", "series-limit")
                            .count())
                    .isEqualTo(1);
            assertThat(rig.store().edges().get("e1").invalidRanges()).containsExactly("2-2");
            assertThat(audit)
                    .singleElement()
                    .satisfies(a -> assertThat(a.why()).contains("store.max-series-per-edge (1)"));
        }
    }

    /**
     * A hub whose store could not replay its WAL: batches 1-5 are in the last checkpoint, 6-10 only in the WAL, whose
     * middle is damaged. The hub starts, reads the streams again from their start, and holds every batch once: 6-10
     * stored again, 1-5 recognised as duplicates.
     */
    @Test
    void aHubWhoseWalCannotBeReplayedStoresWhatItHeldAgainFromTheStreams() throws Exception {
        Path live = dir.resolve("live");
        try (Rig rig = startedRig("wal", Map.of(), live)) {
            publishAndAwaitStored(rig.link(), 1, 5);
        } // closed cleanly: checkpointed
        Path damaged;
        try (Rig rig = startedRig("wal", Map.of(), live)) {
            publishAndAwaitStored(rig.link(), 6, 10);
            damaged = KilledStore.copy(live, dir.resolve("damaged"));
        }
        KilledStore.damageWalMiddle(damaged);
        stored.clear();

        try (Rig rig = startedRig("wal", Map.of(), damaged)) {
            await("batches 6-10 stored again")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> stored.containsAll(List.of(6L, 7L, 8L, 9L, 10L)));
            await("batches 1-5 read again and counted as duplicates")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rig.store().edges().get("e1").duplicates() == 5);
            EdgeStoreState e1 = rig.store().edges().get("e1");
            assertThat(e1.batches()).isEqualTo(10);
            assertThat(e1.points()).isEqualTo(10);
            assertThat(e1.contiguousSeq()).isEqualTo(10);
            assertThat(stored).containsExactlyInAnyOrder(6L, 7L, 8L, 9L, 10L);
            assertThat(rig.store().restorePoint()).as("applied").isNull();
            assertThat(KilledStore.walsSetAside(damaged)).hasSize(1);
        }
    }

    private void publishAndAwaitStored(NatsLink link, long from, long to) {
        for (long seq = from; seq <= to; seq++) {
            publish(link, MetricsRoute.PRIMARY, seq);
        }
        await("batches " + from + "-" + to + " stored")
                .atMost(Duration.ofSeconds(10))
                .until(() -> stored.containsAll(
                        LongStream.rangeClosed(from, to).boxed().toList()));
    }

    /** A store, a connection and an Ingestor of hub {@code instance}, started and running (its streams set up). */
    private record Rig(MetricStore store, NatsLink link, Ingestor ingestor, SimpleMeterRegistry meters)
            implements AutoCloseable {
        @Override
        public void close() {
            ingestor.close();
            link.close();
            store.close();
        }
    }

    private Rig startedRig(String instance, Map<String, String> settings) {
        return startedRig(instance, settings, dir);
    }

    private Rig startedRig(String instance, Map<String, String> settings, Path storeDir) {
        CentralConfig config = CentralConfig.load(null, settings);
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        MetricStore store = new MetricStore(storeDir, Clock.systemUTC(), config.store());
        NatsLink link = NatsLink.open(settings(), "test-ingestor");
        Rejections rejections = new Rejections(instance, meters, audit::add, Clock.systemUTC(), System::nanoTime);
        Ingestor ingestor = new Ingestor(
                link,
                new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE),
                instance,
                config.ingest(),
                store,
                c -> {},
                listener(),
                rejections,
                meters,
                Clock.systemUTC());
        ingestor.start();
        await("streams set up").atMost(Duration.ofSeconds(30)).until(() -> ingestor.state() == Ingestor.State.RUNNING);
        return new Rig(store, link, ingestor, meters);
    }

    private static NatsSettings settings() {
        return NATS.quickSettings();
    }

    /** Publishes batch {@code seq} and waits for the stream's ack (retrying while the restarted server settles). */
    private void publish(NatsLink link, MetricsRoute route, long seq) {
        publish(
                link,
                route,
                "e1-" + seq,
                BatchCodec.encode(new Batch(
                        "e1",
                        incarnation,
                        seq,
                        System.currentTimeMillis(),
                        List.of(Point.of("m", Map.of(), System.currentTimeMillis() + seq, seq)))));
    }

    /** A batch of one point on the primary route, as edge e1 sends it, whatever edge it claims to be. */
    private static void publishBatch(
            NatsLink link, String messageId, String edge, String incarnation, long seq, Point point) {
        publish(
                link,
                MetricsRoute.PRIMARY,
                messageId,
                BatchCodec.encode(new Batch(edge, incarnation, seq, System.currentTimeMillis(), List.of(point))));
    }

    private static void publish(NatsLink link, MetricsRoute route, String messageId, byte[] payload) {
        PublishOptions options = PublishOptions.builder()
                .messageId(messageId)
                .expectedStream(route.stream())
                .build();
        await(messageId + " acknowledged by " + route.stream())
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> link.connection()
                                .jetStream()
                                .publish(route.subject("e1"), payload, options)
                                .getSeqno()
                        > 0);
    }

    private IngestListener listener() {
        return new IngestListener() {
            @Override
            public void stored(Batch batch) {
                stored.add(batch.seq());
            }

            @Override
            public void declared(GapDeclaration gap) {}

            @Override
            public void streamsCreated(List<String> streams) {}

            @Override
            public void maintained(StoreMaintenance.Result result) {}
        };
    }
}
