package io.dualhub.central.stream;

import io.dualhub.common.DaemonThreads;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.nats.NatsLink;
import io.nats.client.Connection;
import io.nats.client.api.ClusterInfo;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the Raft leaders of the two metrics streams on different nodes: when they share one (after a failure moved
 * a leader), the secondary stream's leader is asked to step down. Only then does the death of one node cost an edge
 * a publish timeout instead of an election. Acts only while this hub is the one to place: its site's leader, or on a
 * partitioned site the holder of the placement lease ({@code LeaderLease.PLACEMENT_KEY}), which a hub of any group
 * may hold, so that a group that is down leaves it to the others.
 */
public final class LeaderPlacement implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LeaderPlacement.class);
    private static final Duration EVERY = Duration.ofSeconds(2);
    private final NatsLink nats;
    private final BooleanSupplier places;
    private final ScheduledExecutorService scheduler;

    /**
     * {@code places}: true while this hub is the one to act (the streams are every group's, and two placers would move
     * a leader twice).
     */
    public LeaderPlacement(NatsLink nats, BooleanSupplier places) {
        this.nats = nats;
        this.places = places;
        this.scheduler = DaemonThreads.scheduler("leader-placement");
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::check, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    void check() {
        Connection c = nats.connection();
        if (c == null || !nats.isConnected() || !places.getAsBoolean()) {
            return;
        }
        try {
            ClusterInfo primary = c.jetStreamManagement()
                    .getStreamInfo(MetricsRoute.PRIMARY.stream())
                    .getClusterInfo();
            ClusterInfo secondary = c.jetStreamManagement()
                    .getStreamInfo(MetricsRoute.SECONDARY.stream())
                    .getClusterInfo();
            if (primary == null
                    || secondary == null
                    || primary.getLeader() == null
                    || secondary.getReplicas() == null
                    || secondary.getReplicas().isEmpty()
                    || !Objects.equals(primary.getLeader(), secondary.getLeader())) {
                return;
            }
            LOG.info(
                    "both metrics streams are led by {}; asking {} to move its leader",
                    primary.getLeader(),
                    MetricsRoute.SECONDARY.stream());
            c.request(
                    "$JS.API.STREAM.LEADER.STEPDOWN." + MetricsRoute.SECONDARY.stream(),
                    new byte[0],
                    Duration.ofSeconds(2));
        } catch (Exception e) {
            LOG.debug("leader placement check failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
