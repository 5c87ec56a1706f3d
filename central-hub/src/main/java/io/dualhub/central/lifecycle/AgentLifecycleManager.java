package io.dualhub.central.lifecycle;

import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Heartbeat;
import io.nats.client.Connection;
import java.io.IOException;
import java.time.Clock;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps every edge's lifecycle state. Every second the leader judges each edge ({@link LifecycleRules}) from its
 * heartbeats and declared gaps and writes each change to the {@link FleetRegistry} (compare-and-set), then publishes
 * it on {@code dualhub.lifecycle.<edgeId>} with its reason. Every hub reads the registry, so a standby
 * shows the same fleet and, when it takes over, carries on from the same records. An OFFLINE edge is an alert.
 */
public final class AgentLifecycleManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AgentLifecycleManager.class);
    private static final int KEEP_TRANSITIONS = 50;

    private final String instance;
    private final LifecycleRules rules;
    private final FleetView fleet;
    private final FleetRegistry registry;
    private final NatsLink nats;
    private final BooleanSupplier leader;
    private final EdgeAlerts edgeAlerts;
    private final Clock clock;
    private final Map<String, Long> lastGapAtMs = new ConcurrentHashMap<>();
    private final ScheduledExecutorService scheduler;

    public AgentLifecycleManager(
            String instance,
            LifecycleRules rules,
            int replicas,
            FleetView fleet,
            NatsLink nats,
            BooleanSupplier leader,
            AlertBoard alerts,
            Clock clock) {
        this.instance = instance;
        this.rules = rules;
        this.fleet = fleet;
        this.nats = nats;
        this.leader = leader;
        this.edgeAlerts = new EdgeAlerts(alerts, rules.gapHold());
        this.clock = clock;
        this.registry = new FleetRegistry(replicas, fleet::owns, this::alertOnChange);
        this.scheduler = DaemonThreads.scheduler("lifecycle-" + instance);
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::guardedTick, 1, 1, TimeUnit.SECONDS);
    }

    /** The Ingestor reports each gap an edge declared; it keeps the edge DEGRADED for a while. */
    public void gapDeclared(GapDeclaration gap) {
        lastGapAtMs.put(gap.edgeId(), clock.millis());
        edgeAlerts.lossDeclared(gap, clock.millis());
    }

    /** The registry's record of an edge, or null when it has none (yet). */
    public EdgeRecord record(String edgeId) {
        FleetRegistry.Versioned v = registry.get(edgeId);
        return v == null ? null : v.record();
    }

    /** The registry's state; before the registry knows an edge (or without NATS), this hub's own judgement. */
    public LifecycleState state(String edgeId) {
        EdgeRecord r = record(edgeId);
        return r != null ? r.state() : judge(edgeId, null).state();
    }

    /** True once this hub has read the whole registry: before that, states are its own first guesses. */
    public boolean ready() {
        return registry.isLoaded();
    }

    /** Every edge of the site as the registry holds it, every group's: for showing the site, not for judging. */
    public Map<String, EdgeRecord> site() {
        return registry.site();
    }

    /** Every edge this hub knows of: from heartbeats or the registry. */
    public Set<String> edges() {
        Set<String> ids = new TreeSet<>(fleet.all().keySet());
        ids.addAll(registry.all().keySet());
        return ids;
    }

    /**
     * Retires an edge that has stopped: refused (with the reason) while it still sends heartbeats, since it would
     * be back at once. Any hub may do it; the write is compare-and-set like every other transition.
     */
    public EdgeRecord decommission(String edgeId) throws IOException {
        FleetView.Seen seen = fleet.seen(edgeId);
        if (seen != null
                && clock.millis() - seen.receivedAtMs() <= rules.offlineAfter().toMillis()) {
            throw new IllegalStateException("edge " + edgeId + " still sends heartbeats (last "
                    + (clock.millis() - seen.receivedAtMs()) / 1000 + " s ago): stop its agent first");
        }
        for (int attempt = 0; attempt < 5; attempt++) {
            FleetRegistry.Versioned current = registry.get(edgeId);
            EdgeRecord base = current != null ? current.record() : newRecord(edgeId, seen);
            if (base.state() == LifecycleState.DECOMMISSIONED) {
                return base;
            }
            Transition t = new Transition(
                    edgeId,
                    current == null ? null : base.state(),
                    LifecycleState.DECOMMISSIONED,
                    "decommissioned by an operator",
                    clock.millis(),
                    instance);
            EdgeRecord moved = base.moved(t, KEEP_TRANSITIONS);
            if (registry.write(moved, current == null ? 0 : current.revision()) > 0) {
                publish(t);
                return moved;
            }
        }
        throw new IOException("the registry record of " + edgeId + " kept changing; try again");
    }

    /** A tick that fails (NATS flapping under it) is simply tried again a second later. */
    private void guardedTick() {
        try {
            tick();
        } catch (Exception e) {
            LOG.debug("lifecycle tick: {}", e.toString());
        }
    }

    void tick() throws Exception {
        Connection c = nats.live();
        if (c == null) {
            return;
        }
        registry.open(c);
        if (!leader.getAsBoolean()) {
            return;
        }
        for (String edgeId : edges()) {
            update(edgeId);
        }
    }

    private void update(String edgeId) throws IOException {
        FleetRegistry.Versioned current = registry.get(edgeId);
        FleetView.Seen seen = fleet.seen(edgeId);
        if (current == null && seen == null) {
            return;
        }
        EdgeRecord base = current != null ? current.record() : newRecord(edgeId, seen);
        LifecycleRules.Verdict verdict = judge(edgeId, base);
        Transition t = null;
        EdgeRecord next = base;
        if (current == null || verdict.state() != base.state()) {
            t = new Transition(
                    edgeId,
                    current == null ? null : base.state(),
                    verdict.state(),
                    verdict.reason(),
                    clock.millis(),
                    instance);
            next = base.moved(t, KEEP_TRANSITIONS);
        }
        Heartbeat hb = seen == null ? null : seen.heartbeat();
        if (hb != null
                && !(Objects.equals(hb.version(), next.version())
                        && Objects.equals(hb.host(), next.host())
                        && Objects.equals(hb.os(), next.os()))) {
            next = next.describedAs(hb.version(), hb.host(), hb.os());
        }
        if (next != base
                && leader.getAsBoolean()
                && registry.write(next, current == null ? 0 : current.revision()) > 0
                && t != null) {
            try (AboutEdge about = AboutEdge.of(edgeId)) {
                LOG.info("edge {}: {} -> {} ({})", edgeId, t.from(), t.to(), t.reason());
            }
            publish(t);
        }
    }

    private LifecycleRules.Verdict judge(String edgeId, EdgeRecord record) {
        long decommissionedAt =
                record != null && record.state() == LifecycleState.DECOMMISSIONED ? record.sinceMs() : 0;
        return rules.judge(fleet.seen(edgeId), clock.millis(), lastGapAtMs.getOrDefault(edgeId, 0L), decommissionedAt);
    }

    private static EdgeRecord newRecord(String edgeId, FleetView.Seen seen) {
        Heartbeat hb = seen == null ? null : seen.heartbeat();
        return new EdgeRecord(
                edgeId,
                LifecycleState.OFFLINE,
                0,
                "",
                hb == null ? null : hb.version(),
                hb == null ? null : hb.host(),
                hb == null ? null : hb.os(),
                null);
    }

    private void publish(Transition t) {
        nats.publish(Subjects.lifecycle(t.edgeId()), EventCodec.encode(t));
    }

    /** Runs on every hub as the registry changes, so a standby's alert board matches the leader's. */
    private void alertOnChange(EdgeRecord record) {
        edgeAlerts.stateChanged(record, clock.millis(), lastGapAtMs.getOrDefault(record.edgeId(), 0L));
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
