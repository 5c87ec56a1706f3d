package io.dualhub.central.recovery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.ingest.Ingestor;
import io.dualhub.central.lifecycle.LifecycleState;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * RecoveryManager.tick() turn by turn on a test clock, its audit log on a real nats-server and an edge that answers
 * reconnect commands: what each playbook records, and when. The lifecycle states and heartbeats are the test's.
 */
class RecoveryManagerTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    private static final Duration STALL = Duration.ofSeconds(30);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final Map<String, LifecycleState> states = new ConcurrentHashMap<>();
    private final Map<String, FleetView.Seen> heartbeats = new ConcurrentHashMap<>();
    private final List<String> commands = new CopyOnWriteArrayList<>();
    private volatile Ingestor.State ingest = Ingestor.State.RUNNING;
    private volatile boolean leader = true;
    private NatsLink link;
    private RecoveryLog log;
    private RecoveryManager manager;

    private final EdgeStates lifecycle = new EdgeStates() {
        @Override
        public boolean ready() {
            return true;
        }

        @Override
        public Set<String> edges() {
            return states.keySet();
        }

        @Override
        public LifecycleState state(String edge) {
            return states.get(edge);
        }
    };

    @BeforeEach
    void start() {
        NATS.deleteStreams();
        link = NatsLink.open(NatsSettings.custom(NATS.urls()).build(), "test-recovery");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        Connection c = link.connection();
        // the edge: answers each command it is sent, as a reconnecting edge does
        c.createDispatcher(m -> {
                    commands.add(
                            EventCodec.decode(m.getData(), ResendRequest.class).type());
                    c.publish(m.getReplyTo(), EventCodec.encode(new ResendResult(0, 0, 0, null)));
                })
                .subscribe(Subjects.command("e1"));
        log = new RecoveryLog(link, 1, Duration.ofHours(1));
        manager = new RecoveryManager(
                "a",
                log,
                heartbeats::get,
                lifecycle,
                () -> ingest,
                () -> "disk full",
                link,
                () -> leader,
                STALL,
                clock);
    }

    @AfterEach
    void close() {
        manager.close();
        link.close();
    }

    private void backlog(long batches) {
        Heartbeat hb =
                new Heartbeat("e1", "dev", clock.millis(), batches, 10, 10, "host", "a1", "CLOSED", 0, "Linux", null);
        heartbeats.put("e1", new FleetView.Seen(hb, clock.millis(), 1));
    }

    private List<String> audited(String edge) {
        return log.actions(edge).stream()
                .map(a -> a.playbook() + " " + a.status() + ": " + a.outcome())
                .toList();
    }

    /**
     * The audit log as it settles: it reads its own records back from the stream, and a record read back may stand
     * for a moment in place of a later state of the same action written in the same millisecond.
     */
    private void auditedSettles(String edge, Consumer<List<String>> expectation) {
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> expectation.accept(audited(edge)));
    }

    @Test
    void aReturningEdgeWhoseBacklogStallsIsAskedToReconnectThenItsDrainIsDone() {
        states.put("e1", LifecycleState.ONLINE);
        manager.tick();
        states.put("e1", LifecycleState.OFFLINE);
        manager.tick();
        auditedSettles(
                "e1",
                a -> assertThat(a)
                        .containsExactly(
                                "edge-offline DONE: alert raised; its backlog will be watched when it returns"));

        backlog(100);
        states.put("e1", LifecycleState.ONLINE);
        manager.tick();
        clock.advance(STALL.minusSeconds(1));
        manager.tick();
        assertThat(commands).as("not stalled yet").isEmpty();

        clock.advance(Duration.ofSeconds(1));
        manager.tick();
        assertThat(commands).containsExactly(ResendRequest.RECONNECT);
        auditedSettles(
                "e1",
                a -> assertThat(a)
                        .contains(
                                "edge-drain PENDING: backlog stalled at 100 batches for 30 s; reconnect 1: the edge is"
                                        + " reconnecting"));

        backlog(40);
        clock.advance(STALL.minusSeconds(1));
        manager.tick();
        backlog(40);
        clock.advance(STALL.minusSeconds(1));
        manager.tick();
        assertThat(commands).as("it went lower: the stall is timed from then").hasSize(1);

        backlog(0);
        clock.advance(Duration.ofSeconds(1));
        manager.tick();
        auditedSettles(
                "e1", a -> assertThat(a).contains("edge-drain DONE: backlog drained in 89 s after 1 reconnect(s)"));
    }

    @Test
    void aDrainThatNeverMovesIsGivenUpAfterThreeReconnects() {
        states.put("e1", LifecycleState.OFFLINE);
        manager.tick();
        backlog(100);
        states.put("e1", LifecycleState.ONLINE);
        manager.tick();
        for (int i = 0; i < 4; i++) {
            clock.advance(STALL);
            manager.tick();
        }
        assertThat(commands).hasSize(3);
        auditedSettles(
                "e1",
                a -> assertThat(a)
                        .contains(
                                "edge-drain FAILED: backlog stuck at 100 batches after 3 reconnects; look at the edge's"
                                        + " log and its NATS link"));
        clock.advance(STALL);
        manager.tick();
        assertThat(commands).as("given up: no fourth reconnect").hasSize(3);
    }

    @Test
    void aStandbyTakesNoEdgeActionsAndANewLeaderAdoptsThePendingDrain() {
        leader = false;
        states.put("e1", LifecycleState.OFFLINE);
        manager.tick();
        assertThat(audited("e1")).isEmpty();

        RecoveryAction left =
                RecoveryAction.begin(RecoveryManager.EDGE_DRAIN, "e1", "watching", "returned", clock.millis(), "b");
        log.record(left);
        backlog(3);
        leader = true;
        manager.tick();
        auditedSettles("e1", a -> assertThat(a).containsExactly("edge-drain PENDING: adopted by a from b"));
        backlog(0);
        clock.advance(Duration.ofSeconds(2));
        manager.tick();
        auditedSettles("e1", a -> assertThat(a).containsExactly("edge-drain DONE: backlog drained in 2 s"));
    }

    @Test
    void aFailingStoreIsAuditedFromItsFirstFailureToItsRecovery() {
        ingest = Ingestor.State.STORE_FAILING;
        manager.tick();
        clock.advance(Duration.ofSeconds(5));
        manager.tick();
        ingest = Ingestor.State.RUNNING;
        manager.tick();
        auditedSettles(
                null,
                a -> assertThat(a)
                        .containsExactly("store-failing DONE: store writable again after 5 s; acknowledging resumed"));
    }
}
