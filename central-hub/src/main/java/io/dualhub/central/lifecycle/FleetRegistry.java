package io.dualhub.central.lifecycle;

import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.WireFormatException;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueConfiguration;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import io.nats.client.api.KeyValueWatcher;
import io.nats.client.api.StorageType;
import java.io.IOException;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet registry in JetStream KV bucket {@code dualhub_fleet} (key = edge id, value = {@link EdgeRecord} as
 * JSON), shared by every CentralHub: a watch keeps a local copy current, and writes are compare-and-set on the
 * revision last seen, so two hubs can never overwrite each other's transition unseen. On a partitioned site every
 * group shares the bucket and each keeps only its own edges' records: another group's edge is not this group's to
 * judge (it would go OFFLINE here, never heard from), though it sees them all ({@link #site}).
 */
public final class FleetRegistry {
    public static final String BUCKET = "dualhub_fleet";
    private static final Logger LOG = LoggerFactory.getLogger(FleetRegistry.class);

    /** A record with the KV revision it was read at. */
    public record Versioned(EdgeRecord record, long revision) {}

    private final int replicas;
    private final Predicate<String> owns;
    private final Consumer<EdgeRecord> onChange;
    private final Map<String, Versioned> records = new ConcurrentHashMap<>(); // this group's edges
    private final Map<String, Versioned> site = new ConcurrentHashMap<>(); // every group's, to be shown only
    private volatile KeyValue kv;
    private volatile boolean loaded;

    /**
     * {@code owns}: whether an edge is this hub's group's; {@code onChange} sees every record of such an edge as the
     * watch delivers it, on the watch's thread.
     */
    public FleetRegistry(int replicas, Predicate<String> owns, Consumer<EdgeRecord> onChange) {
        this.replicas = replicas;
        this.owns = owns;
        this.onChange = onChange;
    }

    /** Creates the bucket when missing and starts the watch; once per connection's lifetime. */
    public synchronized void open(Connection c) throws IOException, JetStreamApiException, InterruptedException {
        if (kv != null) {
            return;
        }
        if (!c.keyValueManagement().getBucketNames().contains(BUCKET)) {
            c.keyValueManagement()
                    .create(KeyValueConfiguration.builder()
                            .name(BUCKET)
                            .maxHistoryPerKey(1)
                            .storageType(StorageType.File)
                            .replicas(replicas)
                            .build());
        }
        KeyValue bucket = c.keyValue(BUCKET);
        bucket.watchAll(new KeyValueWatcher() {
            @Override
            public void watch(KeyValueEntry entry) {
                seen(entry);
            }

            @Override
            public void endOfData() {
                loaded = true;
                LOG.info("fleet registry {}: {} edges", BUCKET, records.size());
            }
        });
        kv = bucket;
    }

    /** True once the watch has delivered every record the bucket held when it started. */
    public boolean isLoaded() {
        return loaded;
    }

    public Versioned get(String edgeId) {
        return records.get(edgeId);
    }

    public Map<String, Versioned> all() {
        return Map.copyOf(records);
    }

    /** Every edge's record, of every group of the site: for showing the whole site, never for judging an edge. */
    public Map<String, EdgeRecord> site() {
        Map<String, EdgeRecord> all = new TreeMap<>();
        site.forEach((edge, v) -> all.put(edge, v.record()));
        return all;
    }

    /**
     * Writes {@code record} if the key is still at {@code revision} (0: must not exist yet); returns the new
     * revision, or -1 when another hub wrote first (the watch will bring its version).
     */
    public long write(EdgeRecord record, long revision) throws IOException {
        KeyValue bucket = kv;
        if (bucket == null) {
            throw new IOException("fleet registry not open yet (no NATS connection)");
        }
        try {
            byte[] value = EventCodec.encode(record);
            long written = revision == 0
                    ? bucket.create(record.edgeId(), value)
                    : bucket.update(record.edgeId(), value, revision);
            Versioned now = new Versioned(record, written);
            records.merge(record.edgeId(), now, FleetRegistry::newer);
            site.merge(record.edgeId(), now, FleetRegistry::newer);
            return written;
        } catch (JetStreamApiException e) {
            return -1;
        }
    }

    private void seen(KeyValueEntry entry) {
        boolean ours = owns.test(entry.getKey());
        if (entry.getOperation() != KeyValueOperation.PUT) {
            site.remove(entry.getKey());
            if (ours) {
                records.remove(entry.getKey());
            }
            return;
        }
        try {
            EdgeRecord record = EventCodec.decode(entry.getValue(), EdgeRecord.class);
            Versioned now = new Versioned(record, entry.getRevision());
            site.merge(entry.getKey(), now, FleetRegistry::newer);
            if (ours) {
                records.merge(entry.getKey(), now, FleetRegistry::newer);
                onChange.accept(record);
            }
        } catch (WireFormatException e) {
            LOG.warn("ignoring unreadable fleet record {}: {}", entry.getKey(), e.getMessage());
        }
    }

    private static Versioned newer(Versioned old, Versioned now) {
        return now.revision() >= old.revision() ? now : old;
    }
}
