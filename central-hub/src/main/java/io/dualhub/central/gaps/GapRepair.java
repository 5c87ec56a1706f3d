package io.dualhub.central.gaps;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.stream.ReadPositions;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds batches the stream acknowledged but this hub never stored, and has their edge send them again. Missing
 * means: a hole below the highest sequence stored, or sequences up to the edge's heartbeat {@code lastAckedSeq}
 * beyond it. A range is judged only once this hub's consumers acknowledged every message the metrics streams held
 * when the range was first seen (their ack floors passed those stream ends: had the batch been there, it would be
 * stored by now, so ordinary lag is not a gap, and a hub under steady load still repairs), after {@code grace}, and
 * again every {@code grace} while still missing (doubling after each request the edge did not answer, up to 64
 * graces). Every hub has its own store, so every hub looks at its own; only the leader asks edges,
 * for its own ranges and for those the standbys send it on {@link Subjects#MISSING_RANGES}. The resent batches reach
 * every hub; one that has them already only counts them.
 * This is what heals a stream replica that silently lost acknowledged messages, or a hub that had not read them
 * yet when a whole cluster lost its unsynced tail.
 */
public final class GapRepair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GapRepair.class);
    private final NatsLink nats;
    private final MetricStore store;
    private final FleetView fleet;
    private final LeaderLease lease;
    private final String instance;
    private final String consumer;
    private final Duration grace;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ResendClient resends;
    private final GapSchedule schedule; // owned by the scheduler thread
    // Handed over from the NATS dispatcher: the standbys' latest ranges, with when they arrived.
    private final Map<ReportKey, Reported> reported = new ConcurrentHashMap<>();

    private record Reported(MissingRange range, long receivedAtMs) {}

    /** A standby's report is kept per hub and range: the latest of each replaces the one before. */
    private record ReportKey(String instance, RangeKey range) {}

    public GapRepair(
            NatsLink nats,
            MetricStore store,
            FleetView fleet,
            LeaderLease lease,
            RecoveryLog audit,
            String instance,
            Duration grace,
            Clock clock,
            MeterRegistry meters) {
        this.nats = nats;
        this.store = store;
        this.fleet = fleet;
        this.lease = lease;
        this.instance = instance;
        this.consumer = Subjects.centralConsumer(instance);
        this.grace = grace;
        this.clock = clock;
        this.resends = new ResendClient(
                audit,
                instance,
                grace,
                clock,
                Counter.builder("dualhub.central.resend.requests")
                        .description("Resend requests sent to edges for batches missing from the store")
                        .register(meters));
        this.schedule = new GapSchedule(grace);
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
            schedule.beginRound();
            List<MissingRange> missing = ownMissing();
            // the streams' and consumers' positions (four JetStream requests) only when something is missing
            long[] ackFloors = missing.isEmpty() ? null : positions(c, true);
            long[] streamEnds = missing.isEmpty() ? null : positions(c, false);
            if (ackFloors != null && streamEnds != null) {
                for (MissingRange m : missing) {
                    GapSchedule.Watched w = schedule.due(m, now, streamEnds, now);
                    if (w != null && w.readPast(ackFloors)) {
                        GapSchedule.acted(w, act(c, m), now);
                    }
                }
            }
            if (lease.holds()) {
                for (MissingRange m : freshReports(now)) {
                    // the standby waited out its grace before it sent the range: due at once
                    GapSchedule.Watched w = schedule.due(m, now - grace.toMillis(), null, now);
                    if (w != null) {
                        GapSchedule.acted(w, resends.request(c, m), now);
                    }
                }
            }
            schedule.endRound();
        } catch (RuntimeException e) {
            LOG.warn("gap check failed: {}", e.toString());
        }
    }

    /** Asks the edge (leader) or tells the leader (standby); false when a request to the edge failed. */
    private boolean act(Connection c, MissingRange m) {
        if (lease.holds()) {
            return resends.request(c, m);
        }
        try (AboutEdge about = AboutEdge.of(m.edge())) {
            LOG.warn(
                    "edge {}: batches {}..{} acknowledged by the stream but not stored here; telling the leader",
                    m.edge(),
                    m.from(),
                    m.to());
        }
        c.publish(Subjects.MISSING_RANGES, EventCodec.encode(m));
        return true;
    }

    private void onReported(Message msg) {
        try {
            MissingRange m = EventCodec.decode(msg.getData(), MissingRange.class);
            if (!m.instance().equals(instance) && fleet.owns(m.edge())) { // not another group's edge
                reported.put(new ReportKey(m.instance(), m.key()), new Reported(m, clock.millis()));
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

    /**
     * Per metrics stream, how far this hub's consumer has read ({@code ackFloors}: every message up to its ack floor
     * is acknowledged; everything, when nothing is pending or awaiting its ack, as a stream whose last messages were
     * deleted leaves the floor short of its end), or the stream's last sequence; null when either cannot be read now.
     */
    private long[] positions(Connection c, boolean ackFloors) {
        try {
            JetStreamManagement jsm = c.jetStreamManagement();
            return ackFloors ? ReadPositions.of(jsm, consumer).ackFloors() : ReadPositions.streamEnds(jsm);
        } catch (Exception e) {
            return null;
        }
    }

    private List<long[]> missing(EdgeStoreState e) {
        List<long[]> ranges = new ArrayList<>(e.missing());
        FleetView.Seen hb = fleet.seen(e.edge());
        if (hb != null
                && e.incarnation().equals(hb.heartbeat().incarnation())
                && hb.heartbeat().lastAckedSeq() > e.highestSeq()) {
            ranges.add(new long[] {e.highestSeq() + 1, hb.heartbeat().lastAckedSeq()});
        }
        return ranges;
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
