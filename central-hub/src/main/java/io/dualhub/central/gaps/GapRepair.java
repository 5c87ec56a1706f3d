package io.dualhub.central.gaps;

import io.dualhub.common.DaemonThreads;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.MetricStore;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
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
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds batches the stream acknowledged but this hub never stored, and asks their edge to send them again. Missing
 * means: a hole below the highest sequence stored, or sequences up to the edge's heartbeat {@code lastAckedSeq}
 * beyond it. Looked at only while this hub's consumer has nothing pending (so ordinary lag is not a gap), and acted
 * on only by the leader, after {@code grace}, and again every {@code grace} while still missing. This is what heals
 * a stream replica that silently lost acknowledged messages.
 */
public final class GapRepair implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GapRepair.class);
    private final NatsLink nats;
    private final MetricStore store;
    private final FleetView fleet;
    private final LeaderLease lease;
    private final String consumer;
    private final Duration grace;
    private final Clock clock;
    private final ScheduledExecutorService scheduler;
    private final Counter requests;
    // Owned by the scheduler thread: when each missing range (edge, first seq) was first seen, and last requested.
    private final Map<String, long[]> seen = new HashMap<>();

    public GapRepair(NatsLink nats, MetricStore store, FleetView fleet, LeaderLease lease, String instance,
                     Duration grace, Clock clock, MeterRegistry meters) {
        this.nats = nats;
        this.store = store;
        this.fleet = fleet;
        this.lease = lease;
        this.consumer = Subjects.centralConsumer(instance);
        this.grace = grace;
        this.clock = clock;
        this.requests = Counter.builder("dualhub.central.resend.requests")
                .description("Resend requests sent to edges for batches missing from the store").register(meters);
        this.scheduler = DaemonThreads.scheduler("gap-repair");
    }

    public void start() {
        long every = Math.max(100, grace.toMillis() / 4);
        scheduler.scheduleWithFixedDelay(this::tick, every, every, TimeUnit.MILLISECONDS);
    }

    void tick() {
        try {
            Connection c = nats.connection();
            if (!lease.holds() || c == null || !caughtUp(c)) {
                seen.clear();
                return;
            }
            long now = clock.millis();
            Map<String, long[]> still = new HashMap<>();
            for (EdgeStoreState e : store.edges().values()) {
                for (long[] range : missing(e)) {
                    String key = e.edge() + ":" + e.incarnation() + ":" + range[0];
                    long[] times = seen.getOrDefault(key, new long[] {now, 0});
                    still.put(key, times);
                    if (now - times[0] >= grace.toMillis() && now - times[1] >= grace.toMillis()) {
                        times[1] = now;
                        request(c, e.edge(), e.incarnation(), range[0], range[1]);
                    }
                }
            }
            seen.clear();
            seen.putAll(still);
        } catch (RuntimeException e) {
            LOG.warn("gap check failed: {}", e.toString());
        }
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

    private void request(Connection c, String edge, String incarnation, long from, long to) {
        requests.increment();
        ResendRequest r = ResendRequest.of(incarnation, from, to, UUID.randomUUID().toString().substring(0, 8));
        LOG.warn("edge {}: batches {}..{} acknowledged by the stream but not stored here; asking for a resend ({})",
                edge, from, to, r.requestId());
        try {
            Message reply = c.request(Subjects.command(edge), EventCodec.encode(r), Duration.ofSeconds(40));
            ResendResult result = reply == null ? null : EventCodec.decode(reply.getData(), ResendResult.class);
            if (result == null) {
                LOG.warn("edge {}: no answer to resend request {}", edge, r.requestId());
            } else if (result.error() != null) {
                LOG.warn("edge {}: resend request {} failed: {}", edge, r.requestId(), result.error());
            } else {
                LOG.info("edge {}: resent {} batches for request {}{}", edge, result.resent(), r.requestId(),
                        result.expiredTo() > 0 ? "; LOST (expired from its retention): " + result.expiredFrom() + ".."
                                + result.expiredTo() : "");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (RuntimeException e) {
            LOG.warn("edge {}: resend request {} not answered: {}", edge, r.requestId(), e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
