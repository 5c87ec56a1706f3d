package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.config.Secret;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.NatsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Message;
import io.nats.client.PublishOptions;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The exporter driven step by step ({@link RemoteWriteExporter#runOnce()}) against a real nats-server and a scripted
 * receiver over HTTP: what reaches the receiver, what is retried, what is refused and how that is told, and that the
 * consumers' acknowledgements are the checkpoint another exporter (a new leader) goes on from.
 */
class RemoteWriteExporterTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    // now: a replay is of what the streams got (by the server's clock) in the window before this clock's time
    private final MutableClock clock = new MutableClock(Instant.now());
    private final List<Duration> pauses = new ArrayList<>();
    private final AtomicBoolean leads = new AtomicBoolean(true);
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<RecoveryAction> audit = new CopyOnWriteArrayList<>();
    private final String incarnation = Incarnations.newId();
    private final Map<String, EdgeStoreState> stored = new ConcurrentHashMap<>(); // the hub's store, as it tells it
    private final ExecutorService http = DaemonThreads.pool("test-export-http", 2);
    private final ExecutorService senders = DaemonThreads.pool("test-export-send", 4);
    private NatsLink link;
    private ScriptedReceiver receiver;

    @BeforeEach
    void setUp() throws Exception {
        NATS.deleteStreams();
        link = NatsLink.open(NatsSettings.custom(NATS.urls()).build(), "test-export");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        CentralConfig defaults = CentralConfig.load(null, Map.of());
        new StreamSetup(defaults.stream(), defaults.ingest(), Partition.WHOLE)
                .ensure(link.connection().jetStreamManagement(), "t");
        receiver = new ScriptedReceiver();
    }

    @AfterEach
    void tearDown() {
        receiver.close();
        link.close();
        http.shutdownNow();
        senders.shutdownNow();
    }

    @Test
    void everyBatchOfBothRoutesOnceAndANewExporterGoesOnFromTheAcknowledgements() throws Exception {
        for (long seq = 1; seq <= 5; seq++) {
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }
        for (long seq = 3; seq <= 7; seq++) { // 3..5 again: an edge resending on the other route
            publish(MetricsRoute.SECONDARY, batch(seq, "m"));
        }
        RemoteWriteExporter exporter = exporter(receiver.url());
        exporter.runOnce();
        assertThat(exporter.status().pendingMessages())
                .as("the queue's depth, looked at before the first fetch")
                .isEqualTo(10);
        drain(exporter);

        assertThat(timestamps("m")).as("each batch once").containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(exporter.status().samplesExported()).isEqualTo(7);
        assertThat(exporter.status().state()).isEqualTo(RemoteWriteExporter.State.IDLE);

        publish(MetricsRoute.PRIMARY, batch(8, "m"));
        drain(exporter(receiver.url())); // as a new leader would: only what was not acknowledged
        assertThat(timestamps("m")).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L);
    }

    /**
     * A batch whose header the Ingestor refuses (an incarnation that is not hex: a Batch cannot be made of it) is not
     * exported either: the exporter reads only headers, and checks them as a Batch would.
     */
    @Test
    void aBatchWhoseHeaderTheIngestorRefusesIsNotExported() throws Exception {
        publish(MetricsRoute.PRIMARY, batch(1, "m"));
        byte[] bad = BatchCodec.encode(batch(2, "m"));
        String encoded = new String(bad, StandardCharsets.ISO_8859_1);
        byte[] upper =
                encoded.replace(incarnation, "X".repeat(incarnation.length())).getBytes(StandardCharsets.ISO_8859_1);
        link.connection()
                .jetStream()
                .publish(
                        MetricsRoute.PRIMARY.subject("e1"),
                        upper,
                        PublishOptions.builder().messageId("bad-2").build());
        publish(MetricsRoute.PRIMARY, batch(3, "m"));

        drain(exporter(receiver.url()));

        assertThat(timestamps("m")).containsExactly(1L, 3L);
    }

    @Test
    void aFailingReceiverIsRetriedWithBackoffUntilItTakesTheRequest() throws Exception {
        publish(MetricsRoute.PRIMARY, batch(1, "m"));
        List<Integer> script = new ArrayList<>(List.of(503, 429, 500));
        receiver.answer(series -> script.isEmpty() ? 204 : script.remove(0));
        RemoteWriteExporter exporter = exporter(receiver.url());

        drain(exporter);

        assertThat(receiver.answered()).containsExactly(503, 429, 500, 204);
        assertThat(timestamps("m")).containsExactly(1L);
        assertThat(pauses)
                .as("doubling from 100 ms, each with jitter down to half")
                .hasSize(3);
        for (int i = 0; i < 3; i++) {
            assertThat(pauses.get(i).toMillis()).isBetween(50L << i, 100L << i);
        }
        assertThat(meters.get("dualhub.central.export.failures")
                        .tag("code", "503")
                        .counter()
                        .count())
                .isEqualTo(1);
        assertThat(exporter.failingForMs()).as("taken: not failing any more").isZero();
        assertThat(exporter.status().lastError()).isEqualTo("HTTP 500: scripted 500");
    }

    @Test
    void aBatchSentAgainInTheUnitFetchedWhileTheOneBeforeIsInFlightIsExportedOnce() throws Exception {
        // a unit is at most 1000 messages a route: the edge's resend of batch 1000 (a message of its own) comes in
        // the next unit, which the exporter fetches and cuts while the first unit's requests are in flight, before
        // batch 1000 is recorded as exported
        for (long seq = 1; seq <= 1000; seq++) {
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }
        Batch resent = batch(1000, "m");
        link.connection().jetStream().publish(MetricsRoute.PRIMARY.subject("e1"), BatchCodec.encode(resent));
        for (long seq = 1001; seq <= 1100; seq++) {
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }

        drain(exporter(receiver.url()));

        assertThat(timestamps("m")).hasSize(1100).doesNotHaveDuplicates();
    }

    @Test
    void aHubThatStopsLeadingHoldsNothingMoreAndItsUnitFetchedAheadIsExportedOnceByTheNext() throws Exception {
        for (long seq = 1; seq <= 1100; seq++) { // two units: the second fetched while the first is in flight
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }
        RemoteWriteExporter former = exporter(receiver.url());
        former.runOnce();
        leads.set(false);
        former.runOnce();
        clock.advance(Duration.ofMinutes(1));

        assertThat(former.status().lagSeconds())
                .as("a standby holds nothing, so nothing ages")
                .isZero();
        leads.set(true);
        drain(exporter(receiver.url()));
        assertThat(timestamps("m")).hasSize(1100).doesNotHaveDuplicates();
    }

    @Test
    void requestsInFlightAtOnceBringEachSeriesInOrderAndOnceThoughTheReceiverFailsSome() throws Exception {
        // 8 series of 400 samples over 20 batches, each batch's points of a series out of order; the test's exporter
        // sends 100 samples a request in 4 lanes (so each series takes 4 requests of its lane), and the receiver
        // fails one request in three
        for (long seq = 1; seq <= 20; seq++) {
            List<Point> points = new ArrayList<>();
            for (int i = 159; i >= 0; i--) {
                points.add(Point.of("s" + (i & 7), Map.of(), seq * 1000 + i, i));
            }
            publish(MetricsRoute.PRIMARY, new Batch("e1", incarnation, seq, clock.millis(), points));
        }
        AtomicInteger requests = new AtomicInteger();
        receiver.answer(series -> requests.incrementAndGet() % 3 == 0 ? 503 : 204);

        drain(exporter(receiver.url()));

        for (int s = 0; s < 8; s++) {
            String name = "s" + s;
            List<Long> arrived = receiver.kept().stream()
                    .filter(series -> series.name().equals(name))
                    .flatMap(series -> series.timestamps().stream())
                    .toList();
            assertThat(arrived)
                    .as("series s%d: each sample once, in timestamp order", s)
                    .hasSize(400)
                    .isSorted()
                    .doesNotHaveDuplicates();
        }
        assertThat(receiver.answered()).contains(503);
    }

    @Test
    void aRefusedSeriesIsSplitOutCountedAndShownAndTheRestIsExported() throws Exception {
        long t0 = clock.millis();
        publish(
                MetricsRoute.PRIMARY,
                new Batch(
                        "e1",
                        incarnation,
                        1,
                        t0,
                        List.of(
                                Point.of("good_a", Map.of(), t0, 1),
                                Point.of("bad", Map.of("k", "v"), t0 + 1, 1),
                                Point.of("bad", Map.of("k", "v"), t0 + 9, 2),
                                Point.of("good_b", Map.of(), t0, 1),
                                Point.of("good_c", Map.of(), t0, 1))));
        receiver.answer(series -> series.stream().anyMatch(s -> s.name().equals("bad")) ? 400 : 204);
        RemoteWriteExporter exporter = exporter(receiver.url());

        drain(exporter);

        assertThat(receiver.kept())
                .extracting(ReceivedWrites.Series::name)
                .containsExactlyInAnyOrder("good_a", "good_b", "good_c");
        RemoteWriteExporter.Refusal refusal = exporter.status().refusals().get(0);
        assertThat(refusal.series()).isEqualTo("bad{edge=\"e1\", k=\"v\"}");
        assertThat(refusal.code()).isEqualTo(400);
        assertThat(refusal.fromMs()).isEqualTo(t0 + 1);
        assertThat(refusal.toMs()).isEqualTo(t0 + 9);
        assertThat(refusal.samples()).isEqualTo(2);
        assertThat(exporter.status().refusedSamples()).isEqualTo(2);
        assertThat(meters.get("dualhub.central.export.refused.samples")
                        .tag("code", "400")
                        .counter()
                        .count())
                .isEqualTo(2);
        assertThat(pauses).as("a 4xx is not retried").isEmpty();
        assertThat(audit).singleElement().satisfies(a -> {
            assertThat(a.playbook()).isEqualTo("export-refused");
            assertThat(a.edge()).isEqualTo("e1");
            assertThat(a.what()).startsWith("refused 2 samples of bad{edge=\"e1\", k=\"v\"} from ");
            assertThat(a.why()).isEqualTo("HTTP 400: scripted 400");
            assertThat(a.by()).isEqualTo("c1");
        });
    }

    @Test
    void aStandbyExportsNothingAndLeadershipLostWhileRetryingHandsTheUnitOn() throws Exception {
        publish(MetricsRoute.PRIMARY, batch(1, "m"));
        leads.set(false);
        RemoteWriteExporter standby = exporter(receiver.url());
        assertThat(standby.runOnce()).isFalse();
        assertThat(standby.status().state()).isEqualTo(RemoteWriteExporter.State.STANDBY);
        assertThat(receiver.answered()).isEmpty();

        leads.set(true);
        receiver.answer(series -> {
            leads.set(false); // the lease moved while the receiver failed
            return 503;
        });
        RemoteWriteExporter former = exporter(receiver.url());
        former.runOnce();
        assertThat(former.status().state()).isEqualTo(RemoteWriteExporter.State.STANDBY);
        former.runOnce();
        assertThat(former.failingForMs())
                .as("a hub that does not lead does not export, so it is not failing (nor raising the alert)")
                .isZero();

        leads.set(true);
        receiver.answer(series -> 204);
        drain(exporter(receiver.url()));
        assertThat(timestamps("m"))
                .as("the new leader got the unit at once (nak), not after the ack wait")
                .containsExactly(1L);
    }

    @Test
    void aNewLeaderAndAReceiverBackFromFailingGetTheWindowBeforeAgain() throws Exception {
        for (long seq = 1; seq <= 3; seq++) {
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }
        drain(exporter(receiver.url()));
        receiver.kept().clear(); // the receiver crashed and lost what it had in memory

        RemoteWriteExporter next = exporter(receiver.url(), Duration.ofSeconds(15)); // a new leader
        drain(next);
        assertThat(timestamps("m"))
                .as("replayed: all of it was published in the window")
                .containsExactly(1L, 2L, 3L);
        assertThat(next.status().samplesExported())
                .as("a replay is not counted as exported (the meter is shared with the first exporter: same target)")
                .isEqualTo(3);
        assertThat(meters.get("dualhub.central.export.replayed.samples")
                        .counter()
                        .count())
                .isEqualTo(3);

        receiver.kept().clear();
        publish(MetricsRoute.PRIMARY, batch(4, "m"));
        List<Integer> script = new ArrayList<>(List.of(503));
        receiver.answer(series -> script.isEmpty() ? 204 : script.remove(0));
        drain(next);
        assertThat(timestamps("m"))
                .as("batch 4, then the window before the failure again")
                .containsExactly(1L, 2L, 3L, 4L, 4L);

        receiver.kept().clear();
        publish(MetricsRoute.PRIMARY, batch(5, "m")); // a backlog: never delivered to an exporter
        drain(exporter(receiver.url(), Duration.ofSeconds(15)));
        assertThat(timestamps("m"))
                .as("the replay is of what was delivered before (1..4); the backlog (5) comes after it, once")
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(receiver.kept().get(receiver.kept().size() - 1).timestamps()).containsExactly(5L);

        receiver.kept().clear();
        clock.advance(Duration.ofMinutes(1));
        drain(exporter(receiver.url(), Duration.ofSeconds(15)));
        assertThat(receiver.kept())
                .as("nothing was published in the minute's window before")
                .isEmpty();
    }

    @Test
    void whatTheStoreHoldsAndTheConsumerMovedPastIsReplayedAndWhatTheStreamsNoLongerHoldIsGivenUp() throws Exception {
        RemoteWriteExporter exporter = exporter(receiver.url());
        for (long seq = 1; seq <= 3; seq++) {
            publish(MetricsRoute.PRIMARY, batch(seq, "m"));
        }
        drain(exporter);
        publish(MetricsRoute.PRIMARY, batch(4, "m"));
        // what nats-server before 2.10.26 can do after a consumer leader change (nats-io/nats-server#6469): the
        // consumer moves past a message for good without any exporter having it
        Message skipped = link.connection()
                .getConsumerContext(MetricsRoute.PRIMARY.stream(), Exports.consumerName(receiver.url()))
                .next(Duration.ofSeconds(5));
        skipped.ackSync(Duration.ofSeconds(5));
        publish(MetricsRoute.PRIMARY, batch(5, "m"));
        drain(exporter);
        assertThat(timestamps("m")).as("4 skipped").containsExactly(1L, 2L, 3L, 5L);

        stored.put("e1", storedUpTo(5));
        reconcile(exporter, 2); // found missing, then judged once the consumers read past
        assertThat(timestamps("m"))
                .as("the window before the last batch in order (3), replayed up to what the consumer delivered")
                .containsExactly(1L, 1L, 2L, 2L, 3L, 3L, 4L, 5L, 5L);

        receiver.kept().clear();
        stored.put("e1", storedUpTo(7)); // 6 and 7 were never in the streams (say, deleted by their limits)
        reconcile(exporter, 4);
        assertThat(timestamps("m"))
                .as("replayed once more, then given up instead of replayed for ever")
                .containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(meters.get("dualhub.central.export.unexported.batches")
                        .counter()
                        .count())
                .isEqualTo(2);
    }

    @Test
    void aTargetsHeadersAndCredentialsGoWithEveryRequest() throws Exception {
        publish(MetricsRoute.PRIMARY, batch(1, "m"));
        ExportTarget tenant = new ExportTarget(
                receiver.url(),
                Map.of("X-Scope-OrgID", "fleet"),
                Secret.resolve("token", "env:T", name -> "s3cret"),
                null,
                null,
                null);

        drain(exporter(tenant, Duration.ZERO));

        assertThat(receiver.lastHeaders())
                .containsEntry("x-scope-orgid", "fleet")
                .containsEntry("authorization", "Bearer s3cret")
                .containsEntry("user-agent", "test");
        assertThat(timestamps("m")).containsExactly(1L);
    }

    /** Runs {@code rounds} reconciliations with the store (one each 5 s), each followed by a {@link #drain}. */
    private void reconcile(RemoteWriteExporter exporter, int rounds) {
        for (int round = 0; round < rounds; round++) {
            clock.advance(Duration.ofSeconds(5));
            drain(exporter);
        }
    }

    /** Runs the exporter until a fetch brings nothing and the consumers hold nothing unacknowledged. */
    private void drain(RemoteWriteExporter exporter) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            exporter.runOnce();
            return exporter.status().state() == RemoteWriteExporter.State.IDLE
                    && new ExportFeed(
                                            link,
                                            Exports.consumerName(receiver.url()),
                                            Partition.WHOLE,
                                            Duration.ofSeconds(30),
                                            10)
                                    .positions()
                                    .pending()
                            == 0;
        });
    }

    private RemoteWriteExporter exporter(URI url) {
        return exporter(url, Duration.ZERO);
    }

    private RemoteWriteExporter exporter(URI url, Duration replayWindow) {
        return exporter(ExportTarget.of(url), replayWindow);
    }

    private RemoteWriteExporter exporter(ExportTarget target, Duration replayWindow) {
        URI url = target.url();
        ExportSettings settings = ExportSettings.custom()
                .targets(List.of(target))
                .timeout(Duration.ofSeconds(5))
                .maxSamples(100)
                .replayWindow(replayWindow)
                .build();
        return new RemoteWriteExporter(
                url,
                settings,
                new ExportFeed(
                        link,
                        Exports.consumerName(url),
                        Partition.WHOLE,
                        ExportSettings.ACK_WAIT,
                        ExportFeed.MAX_ACK_PENDING),
                RemoteWriteClient.http(target, settings.timeout(), "test", http, senders),
                senders,
                leads::get,
                stored::values,
                meters,
                audit::add,
                "c1",
                clock,
                d -> {
                    pauses.add(d);
                    clock.advance(d);
                });
    }

    private EdgeStoreState storedUpTo(long seq) {
        return new EdgeStoreState(
                "e1",
                seq,
                seq,
                seq,
                seq,
                0,
                clock.millis(),
                0,
                0,
                List.of(),
                0,
                List.of(),
                List.of(),
                incarnation,
                0,
                List.of());
    }

    private Batch batch(long seq, String metric) {
        return new Batch("e1", incarnation, seq, clock.millis(), List.of(Point.of(metric, Map.of(), seq, seq)));
    }

    private List<Long> timestamps(String metric) {
        return receiver.kept().stream()
                .filter(s -> s.name().equals(metric))
                .flatMap(s -> s.timestamps().stream())
                .sorted()
                .toList();
    }

    private void publish(MetricsRoute route, Batch b) throws Exception {
        PublishOptions options = PublishOptions.builder()
                .messageId(route + "-" + b.seq())
                .expectedStream(route.stream())
                .build();
        link.connection().jetStream().publish(route.subject(b.edgeId()), BatchCodec.encode(b), options);
    }
}
