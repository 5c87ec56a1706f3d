package io.dualhub.central.gaps;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.stream.ReadPositions;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds batches the stream acknowledged but this hub never stored, and has their edge send them again. Missing
 * means: a hole below the highest sequence stored, or sequences up to the edge's heartbeat {@code lastAckedSeq}
 * beyond it. A range is judged only once this hub's consumers acknowledged every message the metrics streams held
 * when the range was first seen (their ack floors passed those stream ends: had the batch been there, it would be
 * stored by now, so ordinary lag is not a gap, and a hub under steady load still repairs), after {@code grace}, and
 * again every {@code grace} while still missing (doubling after each request the edge did not answer, up to 64
 * graces: {@link GapSchedule}). Every hub has its own store, so every hub looks at its own; only the leader asks
 * edges ({@link ResendClient}), for its own ranges and for those the standbys send it ({@link StandbyRelay}). The
 * resent batches reach every hub; one that has them already only counts them. This is what heals a stream replica
 * that silently lost acknowledged messages, or a hub that had not read them yet when a whole cluster lost its
 * unsynced tail.
 */
public final class GapRepair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GapRepair.class);
    private final NatsLink nats;
    private final MetricStore store;
    private final Function<String, FleetView.Seen> heartbeats;
    private final BooleanSupplier leading;
    private final String instance;
    private final String consumer;
    private final Duration grace;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final ResendClient resends;
    private final StandbyRelay relay;
    private final GapSchedule schedule; // owned by the scheduler thread

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
        this(nats, store, new Fleet(fleet::seen, fleet::owns), lease::holds, audit, instance, grace, clock, meters);
    }

    /** What gap repair reads of the fleet: each edge's latest heartbeat, and whether an edge is this group's. */
    record Fleet(Function<String, FleetView.Seen> heartbeats, Predicate<String> owns) {}

    GapRepair(
            NatsLink nats,
            MetricStore store,
            Fleet fleet,
            BooleanSupplier leading,
            RecoveryLog audit,
            String instance,
            Duration grace,
            Clock clock,
            MeterRegistry meters) {
        this.nats = nats;
        this.store = store;
        this.heartbeats = fleet.heartbeats();
        this.leading = leading;
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
        this.relay = new StandbyRelay(instance, fleet.owns(), grace, clock);
        this.schedule = new GapSchedule(grace);
        this.scheduler = DaemonThreads.scheduler("gap-repair");
    }

    public void start() {
        listen();
        long every = Math.max(100, grace.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    /** Listens for the standbys' reports: the first step of {@link #start()}, without the scheduled checks. */
    void listen() {
        relay.start(nats);
    }

    /** One gap check: the scheduler runs it every quarter grace; tests call it on their clock. */
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
            if (leading.getAsBoolean()) {
                for (MissingRange m : relay.fresh(now)) {
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
        if (leading.getAsBoolean()) {
            return resends.request(c, m);
        }
        relay.tellLeader(c, m);
        return true;
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
        FleetView.Seen hb = heartbeats.apply(e.edge());
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
