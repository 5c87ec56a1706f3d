package io.dualhub.central.gaps;

import io.dualhub.common.DaemonThreads;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.recovery.RecoveryManager;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.MetricStore;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.Message;
import io.nats.client.api.ConsumerInfo;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds batches the stream acknowledged but this hub never stored, and has their edge send them again. Missing
 * means: a hole below the highest sequence stored, or sequences up to the edge's heartbeat {@code lastAckedSeq}
 * beyond it. Looked at only while this hub's consumer has nothing pending (so ordinary lag is not a gap), after
 * {@code grace}, and again every {@code grace} while still missing (doubling after each request the edge did not
 * answer, up to 64 graces). Every hub has its own store, so every hub looks at its own; only the leader asks edges,
 * for its own ranges and for those the standbys send it on {@link Subjects#MISSING_RANGES}. The resent batches reach every hub; one that has them already only counts them.
 * This is what heals a stream replica that silently lost acknowledged messages, or a hub that had not read them
 * yet when a whole cluster lost its unsynced tail.
 */
public final class GapRepair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GapRepair.class);
    private final NatsLink nats;
    private final MetricStore store;
    private final FleetView fleet;
    private final LeaderLease lease;
    private final RecoveryLog audit;
    private final String instance;
    private final String consumer;
    private final Duration grace;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Counter requests;
    // Owned by the scheduler thread: when each missing range (edge, first seq) was first seen, and last acted on.
    private final Map<String, long[]> seen = new HashMap<>();
    // Handed over from the NATS dispatcher: the standbys' latest ranges, with when they arrived.
    private final Map<String, Reported> reported = new ConcurrentHashMap<>();

    private record Reported(MissingRange range, long receivedAtMs) {
    }

    public GapRepair(NatsLink nats, MetricStore store, FleetView fleet, LeaderLease lease, RecoveryLog audit,
                     String instance, Duration grace, Clock clock, MeterRegistry meters) {
        this.audit = audit;
        this.nats = nats;
        this.store = store;
        this.fleet = fleet;
        this.lease = lease;
        this.instance = instance;
        this.consumer = Subjects.centralConsumer(instance);
        this.grace = grace;
        this.clock = clock;
        this.requests = Counter.builder("dualhub.central.resend.requests")
                .description("Resend requests sent to edges for batches missing from the store").register(meters);
        this.scheduler = DaemonThreads.scheduler("gap-repair");
    }

    public void start() {
        nats.whenConnected(c -> c.createDispatcher(this::onReported).subscribe(Subjects.MISSING_RANGES));
        long every = Math.max(100, grace.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void tick() {
        try {
            Connection c = nats.connection();
            if (c == null) {
                return;
            }
            long now = clock.millis();
            Map<String, long[]> still = new HashMap<>();
            if (caughtUp(c)) {
                for (MissingRange m : ownMissing()) {
                    long[] times = due(still, m, now, now);
                    if (times != null) {
                        times[2] = act(c, m) ? 0 : times[2] + 1;
                    }
                }
            }
            if (lease.holds()) {
                for (MissingRange m : freshReports(now)) {
                    // the standby waited out its grace before it sent the range: due at once
                    long[] times = due(still, m, now - grace.toMillis(), now);
                    if (times != null) {
                        times[2] = request(c, m) ? 0 : times[2] + 1;
                    }
                }
            }
            seen.clear();
            seen.putAll(still);
        } catch (RuntimeException e) {
            LOG.warn("gap check failed: {}", e.toString());
        }
    }

    /**
     * Records the range as still missing ({first seen, last acted on, failed requests in a row}); returns that record
     * when the range is past its grace and due again: one grace after the last request, doubling with each failed one
     * (an edge that is gone is not asked every grace forever), at most 64 graces.
     */
    private long[] due(Map<String, long[]> still, MissingRange m, long firstSeen, long now) {
        long[] times = still.computeIfAbsent(m.key(), k -> seen.getOrDefault(k, new long[] {firstSeen, 0, 0}));
        long wait = grace.toMillis() << Math.min(times[2], 6);
        if (now - times[0] >= grace.toMillis() && now - times[1] >= wait) {
            times[1] = now;
            return times;
        }
        return null;
    }

    /** Asks the edge (leader) or tells the leader (standby); false when a request to the edge failed. */
    private boolean act(Connection c, MissingRange m) {
        if (lease.holds()) {
            return request(c, m);
        }
        try (AboutEdge about = AboutEdge.of(m.edge())) {
            LOG.warn("edge {}: batches {}..{} acknowledged by the stream but not stored here; telling the leader",
                    m.edge(), m.from(), m.to());
        }
        c.publish(Subjects.MISSING_RANGES, EventCodec.encode(m));
        return true;
    }

    private void onReported(Message msg) {
        try {
            MissingRange m = EventCodec.decode(msg.getData(), MissingRange.class);
            if (!m.instance().equals(instance)) {
                reported.put(m.instance() + "/" + m.key(), new Reported(m, clock.millis()));
            }
        } catch (RuntimeException e) {
            LOG.warn("ignoring a malformed missing-range report on {}: {}", msg.getSubject(), e.toString());
        }
    }

    /** The standbys' ranges sent within the last two graces (they resend each grace while still missing). */
    private List<MissingRange> freshReports(long now) {
        reported.values().removeIf(r -> now - r.receivedAtMs() > 2 * grace.toMillis());
        return reported.values().stream().map(Reported::range).toList();
    }

    private List<MissingRange> ownMissing() {
        List<MissingRange> all = new ArrayList<>();
        for (EdgeStoreState e : store.edges().values()) {
            for (long[] range : missing(e)) {
                all.add(new MissingRange(instance, e.edge(), e.incarnation(), range[0], range[1]));
            }
        }
        return all;
    }

    private boolean caughtUp(Connection c) {
        try {
            for (MetricsRoute route : MetricsRoute.values()) {
                ConsumerInfo info = c.jetStreamManagement().getConsumerInfo(route.stream(), consumer);
                if (info.getNumPending() != 0 || info.getNumAckPending() != 0) {
                    return false;
                }
            }
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private List<long[]> missing(EdgeStoreState e) {
        List<long[]> ranges = new ArrayList<>(e.missing());
        FleetView.Seen hb = fleet.seen(e.edge());
        if (hb != null && e.incarnation().equals(hb.heartbeat().incarnation())
                && hb.heartbeat().lastAckedSeq() > e.highestSeq()) {
            ranges.add(new long[] {e.highestSeq() + 1, hb.heartbeat().lastAckedSeq()});
        }
        return ranges;
    }

    /** Asks the edge to resend the range, audited; true when it answered that it did. */
    private boolean request(Connection c, MissingRange m) {
        try (AboutEdge about = AboutEdge.of(m.edge())) {
            return requestResend(c, m);
        }
    }

    private boolean requestResend(Connection c, MissingRange m) {
        requests.increment();
        String edge = m.edge();
        ResendRequest r = ResendRequest.of(m.incarnation(), m.from(), m.to(), UUID.randomUUID().toString().substring(0, 8));
        String where = m.instance().equals(instance) ? "here" : "by " + m.instance();
        LOG.warn("edge {}: batches {}..{} acknowledged by the stream but not stored {}; asking for a resend ({})",
                edge, m.from(), m.to(), where, r.requestId());
        RecoveryAction action = RecoveryAction.begin(RecoveryManager.GAP_RESEND, edge, "asked the edge to resend "
                + "batches " + m.from() + ".." + m.to() + " (request " + r.requestId() + ")", "acknowledged by the "
                + "stream but not stored " + where + " for over " + grace.toSeconds() + " s", clock.millis(), instance);
        audit.record(action);
        String outcome;
        boolean done = false;
        try {
            Message reply = c.request(Subjects.command(edge), EventCodec.encode(r), Duration.ofSeconds(40));
            ResendResult result = reply == null ? null : EventCodec.decode(reply.getData(), ResendResult.class);
            if (result == null) {
                outcome = "no answer from the edge";
            } else if (result.error() != null) {
                outcome = "the edge refused: " + result.error();
            } else {
                done = true;
                outcome = "resent " + result.resent() + " batches" + (result.expiredTo() > 0 ? "; LOST (expired from "
                        + "its retention): " + result.expiredFrom() + ".." + result.expiredTo() : "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            outcome = "interrupted";
        } catch (RuntimeException e) {
            outcome = "not answered: " + e;
        }
        LOG.warn("edge {}: resend request {}: {}", edge, r.requestId(), outcome);
        audit.record(action.then(done ? RecoveryAction.DONE : RecoveryAction.FAILED, outcome, clock.millis(), instance));
        return done;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
