package io.dualhub.central.leader;

import io.dualhub.common.DaemonThreads;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.WireFormatException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.KeyValueManagement;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueStatus;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Leadership among CentralHub instances, as a lease on a key of the KV bucket {@code dualhub_leader} ({@code leader},
 * or one per group when the edges are partitioned over groups),
 * whose TTL expires the key when its holder stops renewing. Every instance tries to create the key; the one that
 * succeeds renews it with a compare-and-set on its revision every third of the TTL. The holder counts its lease
 * valid only until {@code ttl - ttl/4} after it <em>sent</em> the last successful renewal, so a paused or partitioned
 * leader stops acting before the key can expire and another instance take it. Side effects go through
 * {@link #holds()}.
 *
 * <p>The key lives for the bucket's TTL, fixed when the bucket was made, not for this instance's {@code leader.ttl}:
 * an instance whose TTL is longer than the bucket's would count its lease valid after the key expired and another
 * took it. So the lease is timed by the longer of the two: a bucket with a shorter TTL is raised to
 * {@code leader.ttl} (safe: every holder's validity stays inside the longer life), and a bucket with a longer one
 * is kept (lowering it under a holder timed by the old TTL would give two leaders), with a warning saying how to
 * lower it.
 */
public final class LeaderLease implements AutoCloseable {
    public static final String BUCKET = "dualhub_leader";
    /** The lease's key on a site of one group; each group of a partitioned one has its own (Partition.qualify). */
    public static final String KEY = "leader";
    /**
     * The lease of the hub that keeps the metrics streams' Raft leaders on different nodes, on a partitioned site:
     * the streams are every group's, so one hub of any group places them, and a group that is down leaves it to the
     * others.
     */
    public static final String PLACEMENT_KEY = "placement";

    private static final Logger LOG = LoggerFactory.getLogger(LeaderLease.class);

    private final NatsLink nats;
    private final String instance;
    private final String key;
    private final Duration ttl;
    private final int replicas;
    private final Clock clock;
    private final LongSupplier nanoTime;
    private final ScheduledExecutorService scheduler;
    // Written by the scheduler thread only; read by any.
    private volatile long revision;
    private volatile long validUntilNanos;
    private volatile LeaderRecord current;
    private volatile Duration effectiveTtl;
    private KeyValue kv;

    /** A lease on {@code key}: the instances that contend for the same key elect one leader among them. */
    public LeaderLease(
            NatsLink nats,
            String instance,
            String key,
            Duration ttl,
            int replicas,
            Clock clock,
            LongSupplier nanoTime) {
        this.nats = nats;
        this.instance = instance;
        this.key = key;
        this.ttl = ttl;
        this.effectiveTtl = ttl;
        this.replicas = replicas;
        this.clock = clock;
        this.nanoTime = nanoTime;
        this.scheduler = DaemonThreads.scheduler("lease-" + key + "-" + instance);
    }

    public void start() {
        long every = Math.max(50, ttl.toMillis() / 3);
        scheduler.scheduleWithFixedDelay(this::tick, 0, every, TimeUnit.MILLISECONDS);
    }

    /** True while this instance holds a lease it renewed recently enough that no other instance can hold it. */
    public boolean holds() {
        return revision > 0 && nanoTime.getAsLong() - validUntilNanos < 0;
    }

    /** The leader as last seen (this instance or another), or null when none is known. */
    public LeaderRecord leader() {
        return current;
    }

    public String instance() {
        return instance;
    }

    void tick() {
        Connection c = nats.live();
        if (c == null) {
            return;
        }
        long sentAt = nanoTime.getAsLong();
        try {
            KeyValue bucket = bucket(c);
            if (revision > 0) {
                renew(bucket, sentAt);
            } else {
                acquireOrObserve(bucket, sentAt);
            }
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            if (revision > 0) {
                LOG.warn("lease {}: renewal failed ({}); it ends when it runs out", key, e.toString());
            }
        }
    }

    private void renew(KeyValue bucket, long sentAt) throws IOException {
        try {
            revision = bucket.update(key, EventCodec.encode(current), revision);
            validUntilNanos = sentAt + validity();
        } catch (JetStreamApiException e) {
            LOG.warn("lease {} lost: the key changed under {} ({})", key, instance, e.getMessage());
            revision = 0;
        }
    }

    private void acquireOrObserve(KeyValue bucket, long sentAt) throws IOException, JetStreamApiException {
        LeaderRecord mine = new LeaderRecord(instance, clock.millis());
        try {
            long rev = bucket.create(key, EventCodec.encode(mine));
            validUntilNanos = sentAt + validity();
            current = mine;
            revision = rev;
            LOG.info("lease {} acquired: {} holds it", key, instance);
        } catch (JetStreamApiException taken) {
            KeyValueEntry e = bucket.get(key);
            current = e == null || e.getOperation() != KeyValueOperation.PUT ? null : decode(e.getValue());
        }
    }

    private long validity() {
        Duration t = effectiveTtl;
        return t.minus(t.dividedBy(4)).toNanos();
    }

    /** The TTL the lease is timed by: {@code leader.ttl}, or the bucket's when that is longer. */
    public Duration effectiveTtl() {
        return effectiveTtl;
    }

    private static LeaderRecord decode(byte[] value) {
        try {
            return EventCodec.decode(value, LeaderRecord.class);
        } catch (WireFormatException e) {
            return null;
        }
    }

    private KeyValue bucket(Connection c) throws IOException, JetStreamApiException {
        if (kv == null) {
            KeyValueManagement kvm = c.keyValueManagement();
            if (!kvm.getBucketNames().contains(BUCKET)) {
                kvm.create(KeyValueConfiguration.builder()
                        .name(BUCKET)
                        .ttl(ttl)
                        .maxHistoryPerKey(1)
                        .storageType(StorageType.File)
                        .replicas(replicas)
                        .build());
            } else {
                agreeOnTtl(kvm);
            }
            kv = c.keyValue(BUCKET);
        }
        return kv;
    }

    /** Raises a bucket whose TTL is shorter than ours; adopts one that is longer (see the class comment). */
    private void agreeOnTtl(KeyValueManagement kvm) throws IOException, JetStreamApiException {
        KeyValueStatus status = kvm.getStatus(BUCKET);
        Duration bucketTtl = status.getTtl();
        if (bucketTtl.compareTo(ttl) < 0) {
            kvm.update(KeyValueConfiguration.builder(status.getConfiguration())
                    .ttl(ttl)
                    .build());
            LOG.info("leader lease: raised the TTL of KV bucket {} from {} to leader.ttl {}", BUCKET, bucketTtl, ttl);
        } else if (bucketTtl.compareTo(ttl) > 0) {
            effectiveTtl = bucketTtl;
            LOG.warn(
                    "leader lease: KV bucket {} has TTL {}, longer than leader.ttl {}: timing the lease by {} (a"
                            + " dead leader is replaced only after it); to lower it, stop every CentralHub and delete the"
                            + " bucket (nats kv del {})",
                    BUCKET,
                    bucketTtl,
                    ttl,
                    bucketTtl,
                    BUCKET);
        }
    }

    /** Stops renewing; a holder releases the key so a standby takes over at once instead of after the TTL. */
    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        long rev = revision;
        revision = 0;
        if (rev > 0 && kv != null && nats.isConnected()) {
            try {
                kv.delete(key, rev);
                LOG.info("lease {} released by {}", key, instance);
            } catch (IOException | JetStreamApiException e) {
                LOG.info("lease {} not released ({}); it expires by itself", key, e.getMessage());
            }
        }
    }
}
