package io.dualhub.central.recovery;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.ingest.Ingestor;
import io.dualhub.central.lifecycle.AgentLifecycleManager;
import io.dualhub.central.lifecycle.LifecycleState;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The recovery playbooks that are not part of the data path itself, each action audited in the {@link RecoveryLog}:
 * an edge that goes OFFLINE is alerted on; when it returns its backlog is watched until it drains, and a drain that
 * stalls gets a reconnect command; a failing store (this hub's own) is recorded from first failure to recovery; a
 * metrics stream recreated under a store that already holds data (NATS lost it) is recorded. Edge actions are taken
 * by the leader only; a hub that becomes leader adopts the drain watches its predecessor left pending. Gap resends
 * are audited by gap repair in the same log.
 */
public final class RecoveryManager implements AutoCloseable {
    public static final String GAP_RESEND = "gap-resend";
    public static final String EDGE_OFFLINE = "edge-offline";
    public static final String EDGE_DRAIN = "edge-drain";
    public static final String STORE_FAILING = "store-failing";
    public static final String STREAM_REBUILT = "stream-rebuilt";
    public static final String DISK_BUDGET = "disk-budget";
    private static final Logger LOG = LoggerFactory.getLogger(RecoveryManager.class);
    private static final int MAX_RECONNECTS = 3;

    private final String instance;
    private final RecoveryLog log;
    private final Function<String, FleetView.Seen> fleet;
    private final EdgeStates lifecycle;
    private final Supplier<Ingestor.State> ingest;
    private final Supplier<String> ingestProblem;
    private final NatsLink nats;
    private final BooleanSupplier leader;
    private final Duration drainStall;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    // owned by the scheduler thread
    private final Map<String, LifecycleState> lastStates = new HashMap<>();
    private final Map<String, Drain> drains = new HashMap<>();
    private RecoveryAction storeAction;
    private boolean wasLeader;

    /**
     * A backlog being watched: its action, the lowest backlog seen and since when it has not gone lower, and the
     * reconnects asked for; the lowest only goes down and the reconnects stay within {@link #MAX_RECONNECTS}.
     */
    private static final class Drain {
        RecoveryAction action;
        private long lowest;
        private long lowestAtMs;
        private int reconnects;

        Drain(RecoveryAction action, long backlog, long now) {
            this.action = action;
            this.lowest = backlog;
            this.lowestAtMs = now;
        }

        /** True when the backlog went lower than ever, from now. */
        boolean lowered(long backlog, long now) {
            if (backlog >= lowest) {
                return false;
            }
            lowest = backlog;
            lowestAtMs = now;
            return true;
        }

        /** One more reconnect asked for at {@code now}: the stall is timed again from it. */
        void reconnecting(long now) {
            if (reconnects >= MAX_RECONNECTS) {
                throw new IllegalStateException("BUG: reconnect " + (reconnects + 1) + " of " + action.edge()
                        + "'s drain, past " + MAX_RECONNECTS);
            }
            reconnects++;
            lowestAtMs = now;
        }
    }

    public RecoveryManager(
            String instance,
            RecoveryLog log,
            FleetView fleet,
            AgentLifecycleManager lifecycle,
            Supplier<Ingestor.State> ingest,
            Supplier<String> ingestProblem,
            NatsLink nats,
            BooleanSupplier leader,
            Duration drainStall,
            Clock clock) {
        this(
                instance,
                log,
                fleet::seen,
                EdgeStates.of(lifecycle),
                ingest,
                ingestProblem,
                nats,
                leader,
                drainStall,
                clock);
    }

    RecoveryManager(
            String instance,
            RecoveryLog log,
            Function<String, FleetView.Seen> fleet,
            EdgeStates lifecycle,
            Supplier<Ingestor.State> ingest,
            Supplier<String> ingestProblem,
            NatsLink nats,
            BooleanSupplier leader,
            Duration drainStall,
            Clock clock) {
        this.instance = instance;
        this.log = log;
        this.fleet = fleet;
        this.lifecycle = lifecycle;
        this.ingest = ingest;
        this.ingestProblem = ingestProblem;
        this.nats = nats;
        this.leader = leader;
        this.drainStall = drainStall;
        this.clock = clock;
        this.scheduler = DaemonThreads.scheduler("recovery-" + instance);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::guardedTick, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * The Ingestor created these streams or consumers; with data already stored, NATS had lost them (a recreated
     * consumer starts from the stream's first message: what is stored already is counted as duplicate).
     */
    public void streamsCreated(List<String> streams, boolean storeHasData) {
        if (storeHasData && !streams.isEmpty()) {
            RecoveryAction a = start(
                    STREAM_REBUILT,
                    null,
                    "recreated " + String.join(", ", streams),
                    "missing from NATS while the store holds data (NATS rebuilt, or deleted by hand)");
            log.record(a.then(
                    RecoveryAction.DONE,
                    "recreated; batches the store lacks are requested from the edges "
                            + "by gap repair (gap-resend actions)",
                    clock.millis(),
                    instance));
        }
    }

    /** Audits what the store deleted to stay inside {@code store.max-disk} (retention is not an incident). */
    public void storeMaintained(StoreMaintenance.Result r) {
        if (r.evicted() > 0) {
            RecoveryAction a = start(
                    DISK_BUDGET,
                    null,
                    "deleted the oldest " + r.evicted() + " rows of the "
                            + r.evictedFrom().label() + " tier, all before "
                            + Instant.ofEpochMilli(r.evictedBeforeMs()),
                    "the store neared store.max-disk (" + r.budgetBytes() + " bytes): its data past 90 %, or its file"
                            + " past 75 % with its data past 50 %");
            log.record(a.then(
                    RecoveryAction.DONE,
                    r.usedBytes() <= r.budgetBytes()
                            ? "inside the budget again: " + r.usedBytes() + " bytes used"
                            : "still " + r.usedBytes() + " bytes used; the next run goes on",
                    clock.millis(),
                    instance));
        }
    }

    private void guardedTick() {
        try {
            tick();
        } catch (RuntimeException e) {
            LOG.warn("recovery tick failed: {}", e.toString());
        }
    }

    /** One round of every playbook, on the scheduler thread (a test's, in unit tests). */
    void tick() {
        try {
            log.open();
        } catch (Exception e) {
            LOG.debug("recovery log not open yet: {}", e.toString());
        }
        watchStore();
        boolean leads = leader.getAsBoolean();
        if (leads && !wasLeader) {
            adoptPending();
        }
        wasLeader = leads;
        for (String edge : lifecycle.ready() ? lifecycle.edges() : Set.<String>of()) {
            LifecycleState now = lifecycle.state(edge);
            LifecycleState before = lastStates.put(edge, now);
            if (leads && before != null && before != now) {
                changed(edge, before, now);
            }
        }
        if (leads) {
            drains.values().removeIf(this::watch);
        }
    }

    private void watchStore() {
        boolean failing = ingest.get() == Ingestor.State.STORE_FAILING;
        if (failing && storeAction == null) {
            storeAction = start(
                    STORE_FAILING,
                    null,
                    "stopped acknowledging; /health not ready; retrying with backoff",
                    ingestProblem.get());
        } else if (!failing && storeAction != null && ingest.get() == Ingestor.State.RUNNING) {
            log.record(storeAction.then(
                    RecoveryAction.DONE,
                    "store writable again after " + (clock.millis() - storeAction.startedAtMs()) / 1000
                            + " s; acknowledging resumed",
                    clock.millis(),
                    instance));
            storeAction = null;
        }
    }

    private void changed(String edge, LifecycleState before, LifecycleState now) {
        if (now == LifecycleState.OFFLINE) {
            RecoveryAction a = start(EDGE_OFFLINE, edge, "raised a warning alert", "edge " + edge + " went OFFLINE");
            log.record(a.then(
                    RecoveryAction.DONE,
                    "alert raised; its backlog will be watched when it returns",
                    clock.millis(),
                    instance));
        } else if (before == LifecycleState.OFFLINE && now != LifecycleState.DECOMMISSIONED) {
            FleetView.Seen seen = fleet.apply(edge);
            long backlog = seen == null ? 0 : seen.heartbeat().backlog();
            if (backlog > 0) {
                RecoveryAction a = start(
                        EDGE_DRAIN,
                        edge,
                        "watching its backlog of " + backlog + " batches drain",
                        "edge " + edge + " returned after being OFFLINE");
                drains.put(edge, new Drain(a, backlog, clock.millis()));
            }
        }
    }

    /** Follows one drain; true when it is over (drained, or given up). */
    private boolean watch(Drain d) {
        String edge = d.action.edge();
        FleetView.Seen seen = fleet.apply(edge);
        long now = clock.millis();
        long backlog = seen == null ? d.lowest : seen.heartbeat().backlog();
        if (backlog == 0) {
            log.record(d.action.then(
                    RecoveryAction.DONE,
                    "backlog drained in " + (now - d.action.startedAtMs()) / 1000 + " s"
                            + (d.reconnects > 0 ? " after " + d.reconnects + " reconnect(s)" : ""),
                    now,
                    instance));
            return true;
        }
        if (d.lowered(backlog, now)) {
            return false;
        }
        if (now - d.lowestAtMs < drainStall.toMillis()) {
            return false;
        }
        if (d.reconnects == MAX_RECONNECTS) {
            log.record(d.action.then(
                    RecoveryAction.FAILED,
                    "backlog stuck at " + backlog + " batches after " + MAX_RECONNECTS
                            + " reconnects; look at the edge's log and its NATS link",
                    now,
                    instance));
            return true;
        }
        d.reconnecting(now);
        String answer = reconnect(edge);
        d.action = d.action.then(
                RecoveryAction.PENDING,
                "backlog stalled at " + backlog + " batches for " + drainStall.toSeconds() + " s; reconnect "
                        + d.reconnects + ": " + answer,
                now,
                instance);
        log.record(d.action);
        return false;
    }

    /** Asks the edge to drop and re-establish its NATS connection; returns what it answered. */
    private String reconnect(String edge) {
        Connection c = nats.live();
        if (c == null) {
            return "not sent (no NATS connection)";
        }
        try {
            Message reply = c.request(
                    Subjects.command(edge),
                    EventCodec.encode(
                            ResendRequest.reconnect(UUID.randomUUID().toString().substring(0, 8))),
                    Duration.ofSeconds(10));
            if (reply == null) {
                return "no answer";
            }
            ResendResult r = EventCodec.decode(reply.getData(), ResendResult.class);
            return r.error() == null ? "the edge is reconnecting" : "refused: " + r.error();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        } catch (RuntimeException e) {
            return "failed: " + e;
        }
    }

    /**
     * A new leader carries on with the drains its predecessor left pending; a resend it left pending is handed
     * over, since this hub's gap repair asks again for whatever is still missing.
     */
    private void adoptPending() {
        for (RecoveryAction a : log.pending()) {
            if (a.playbook().equals(GAP_RESEND) && !a.by().equals(instance)) {
                log.record(a.then(
                        RecoveryAction.HANDED_OVER,
                        "handed over to " + instance + ": its gap repair asks " + "again while the range is missing",
                        clock.millis(),
                        instance));
            }
            if (a.playbook().equals(EDGE_DRAIN) && !a.by().equals(instance) && !drains.containsKey(a.edge())) {
                RecoveryAction adopted = a.then(
                        RecoveryAction.PENDING, "adopted by " + instance + " from " + a.by(), clock.millis(), instance);
                log.record(adopted);
                FleetView.Seen seen = fleet.apply(a.edge());
                drains.put(
                        a.edge(),
                        new Drain(
                                adopted,
                                seen == null ? Long.MAX_VALUE : seen.heartbeat().backlog(),
                                clock.millis()));
            }
        }
    }

    private RecoveryAction start(String playbook, String edge, String what, String why) {
        RecoveryAction a = RecoveryAction.begin(playbook, edge, what, why, clock.millis(), instance);
        log.record(a);
        try (AboutEdge about = AboutEdge.of(edge)) {
            LOG.info("recovery {}: {} ({})", playbook, what, why);
        }
        return a;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
