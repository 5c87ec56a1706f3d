package io.dualhub.central.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.recovery.RecoveryManager;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.NatsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.PullSubscribeOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * GapRepair.tick() turn by turn on a test clock, against a real nats-server (the metrics streams with each hub's
 * consumers, and an edge that answers resend requests) and real stores: when a missing range is asked for, how the
 * asking backs off while the edge refuses, what the heartbeat adds, that lag is not a gap, and how a standby's ranges
 * reach the leader. The heartbeats and who leads are the test's.
 */
class GapRepairTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    private static final Duration GRACE = Duration.ofSeconds(10);
    private static final String INCARNATION = "a1";

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-06T10:00:00Z"));
    private final Map<String, FleetView.Seen> heartbeats = new ConcurrentHashMap<>();
    private final List<ResendRequest> asked = new CopyOnWriteArrayList<>();
    private final List<MetricStore> stores = new ArrayList<>();
    private final List<GapRepair> repairs = new ArrayList<>();
    private volatile String edgeRefuses; // null: the edge resends
    private NatsLink link;
    private RecoveryLog audit;

    @BeforeEach
    void start() throws Exception {
        NATS.deleteStreams();
        link = NatsLink.open(NatsSettings.custom(NATS.urls()).build(), "test-gaps");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        Connection c = link.connection();
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup streams = new StreamSetup(config.stream(), config.ingest(), config.partition());
        streams.ensure(c.jetStreamManagement(), "a");
        streams.ensure(c.jetStreamManagement(), "b");
        c.createDispatcher(m -> {
                    asked.add(EventCodec.decode(m.getData(), ResendRequest.class));
                    ResendResult answer =
                            edgeRefuses == null ? new ResendResult(1, 0, 0, null) : ResendResult.failed(edgeRefuses);
                    c.publish(m.getReplyTo(), EventCodec.encode(answer));
                })
                .subscribe(Subjects.command("e1"));
        c.flush(Duration.ofSeconds(5));
        audit = new RecoveryLog(link, 1, Duration.ofHours(1));
    }

    @AfterEach
    void close() {
        repairs.forEach(GapRepair::close);
        stores.forEach(MetricStore::close);
        link.close();
    }

    @Test
    void aHoleIsAskedForOnceItsGraceHasPassedAndAgainEachGraceWhileStillMissing() {
        MetricStore store = store("a", 1, 2, 4);
        GapRepair repair = repair("a", store, true);

        repair.tick();
        clock.advance(GRACE.minusMillis(1));
        repair.tick();
        assertThat(asked).as("within its grace a hole may still be filled").isEmpty();

        clock.advance(Duration.ofMillis(1));
        repair.tick();
        repair.tick();
        assertThat(ranges()).as("asked once, and not again in the same grace").containsExactly("3..3");
        assertThat(audit.actions("e1"))
                .extracting(a -> a.playbook() + " " + a.status())
                .containsExactly(RecoveryManager.GAP_RESEND + " " + RecoveryAction.DONE);

        clock.advance(GRACE);
        repair.tick();
        assertThat(ranges()).as("the resent batch did not arrive: asked again").containsExactly("3..3", "3..3");

        commit(store, 3);
        clock.advance(GRACE);
        repair.tick();
        assertThat(ranges()).as("stored at last: not asked again").hasSize(2);
    }

    /** An edge that refuses (or does not answer) is asked after 1, 2, 4, 8 … graces, not every grace forever. */
    @Test
    void anEdgeThatRefusesIsAskedLessAndLessOften() {
        edgeRefuses = "busy";
        GapRepair repair = repair("a", store("a", 1, 3), true);
        repair.tick();
        List<Integer> askedAtGrace = new ArrayList<>();
        for (int grace = 1; grace <= 16; grace++) {
            clock.advance(GRACE);
            int before = asked.size();
            repair.tick();
            if (asked.size() > before) {
                askedAtGrace.add(grace);
            }
        }
        assertThat(askedAtGrace).containsExactly(1, 3, 7, 15);
    }

    @Test
    void beyondTheHighestStoredBatchTheEdgesHeartbeatSaysWhatIsMissing() {
        GapRepair repair = repair("a", store("a", 1, 2), true);
        heartbeat("b2", 9);
        repair.tick();
        clock.advance(GRACE);
        repair.tick();
        assertThat(asked)
                .as("a heartbeat of another incarnation says nothing of this one")
                .isEmpty();

        heartbeat(INCARNATION, 5);
        repair.tick();
        clock.advance(GRACE);
        repair.tick();
        assertThat(ranges()).containsExactly("3..5");
    }

    /** A hole seen while the hub's consumer still has messages to read may be filled by them: it is lag, not a gap. */
    @Test
    void aHoleIsNotJudgedUntilTheConsumerHasReadWhatTheStreamHeldWhenItWasSeen() throws Exception {
        Connection c = link.connection();
        c.jetStream().publish(MetricsRoute.values()[0].subject("e1"), "unread".getBytes(StandardCharsets.UTF_8));
        GapRepair repair = repair("a", store("a", 1, 3), true);
        repair.tick();
        clock.advance(GRACE.multipliedBy(3));
        repair.tick();
        assertThat(asked)
                .as("the consumer has not read the stream's message yet")
                .isEmpty();

        JetStreamSubscription reader = c.jetStream()
                .subscribe(
                        null,
                        PullSubscribeOptions.bind(MetricsRoute.values()[0].stream(), Subjects.centralConsumer("a")));
        List<Message> read = reader.fetch(1, Duration.ofSeconds(5));
        assertThat(read).hasSize(1);
        read.get(0).ackSync(Duration.ofSeconds(5));
        repair.tick();
        assertThat(ranges())
                .as("read past what the stream held: still missing, so asked for")
                .containsExactly("2..2");
    }

    @Test
    void aStandbyTellsTheLeaderWhichAsksTheEdgeAtOnceWhileTheReportIsFresh() {
        GapRepair standby = repair("b", store("b", 1, 2, 5), false);
        GapRepair leader = repair("a", store("a", 1, 2, 3, 4, 5), true);
        leader.listen(); // the standbys' reports; the test ticks it instead of its scheduler
        standby.tick();
        clock.advance(GRACE);
        standby.tick();
        assertThat(asked).as("a standby never asks an edge").isEmpty();

        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            leader.tick();
            assertThat(ranges()).containsExactly("3..4");
        });
        assertThat(audit.actions("e1").get(0).why()).contains("not stored by b");

        clock.advance(GRACE.multipliedBy(2).plusMillis(1));
        leader.tick();
        assertThat(ranges()).as("a report older than two graces is forgotten").hasSize(1);
    }

    private MetricStore store(String instance, long... seqs) {
        MetricStore store = new MetricStore(dir.resolve(instance), clock);
        stores.add(store);
        LongStream.of(seqs).forEach(seq -> commit(store, seq));
        return store;
    }

    private void commit(MetricStore store, long seq) {
        store.commit(List.of(new Batch(
                "e1", INCARNATION, seq, clock.millis(), List.of(Point.of("m", Map.of(), clock.millis(), seq)))));
    }

    private GapRepair repair(String instance, MetricStore store, boolean leads) {
        GapRepair repair = new GapRepair(
                link,
                store,
                new GapRepair.Fleet(heartbeats::get, edge -> true),
                () -> leads,
                audit,
                instance,
                GRACE,
                clock,
                new SimpleMeterRegistry());
        repairs.add(repair);
        return repair;
    }

    private void heartbeat(String incarnation, long lastAckedSeq) {
        Heartbeat hb = new Heartbeat(
                "e1",
                "dev",
                clock.millis(),
                0,
                lastAckedSeq,
                lastAckedSeq,
                "host",
                incarnation,
                "CLOSED",
                0,
                "Linux",
                null);
        heartbeats.put("e1", new FleetView.Seen(hb, clock.millis(), 1));
    }

    private List<String> ranges() {
        return asked.stream().map(r -> r.fromSeq() + ".." + r.toSeq()).toList();
    }
}
