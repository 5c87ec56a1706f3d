package io.dualhub.central.api;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.Map;
import java.util.TreeMap;

/**
 * The CentralHubs that read the metrics streams, as the streams know them: each hub's durable consumers
 * ({@code central-<instance>} on each stream), which every group of a partitioned site shares. A consumer's subject
 * filter says which group the hub is in. Read when asked; nothing is kept.
 */
final class StreamReaders {
    private static final String CONSUMER_PREFIX = Subjects.centralConsumer("");

    /**
     * One hub: messages pending or awaiting its ack over both streams, its latest read (epoch ms, 0 before any), and
     * its group ({@code partition} of {@code partitions}; 0 of 1 on a site without partitions, -1 when its filter
     * names no group of {@code partitions}).
     */
    record Reader(String instance, long pending, long lastReadMs, int partition) {}

    private StreamReaders() {}

    /** Every hub reading the streams, by instance, its group judged against a site of {@code partitions} groups. */
    static Map<String, Reader> of(JetStreamManagement jsm, int partitions) throws IOException, JetStreamApiException {
        Map<String, Reader> byInstance = new TreeMap<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            for (ConsumerInfo info : jsm.getConsumers(route.stream())) {
                if (!info.getName().startsWith(CONSUMER_PREFIX)) {
                    continue;
                }
                String instance = info.getName().substring(CONSUMER_PREFIX.length());
                ZonedDateTime read = info.getDelivered().getLastActive();
                Reader now = new Reader(
                        instance,
                        info.getNumPending() + info.getNumAckPending(),
                        read == null ? 0 : read.toInstant().toEpochMilli(),
                        group(route, info.getConsumerConfiguration().getFilterSubject(), partitions));
                byInstance.merge(
                        instance,
                        now,
                        (a, b) -> new Reader(
                                instance,
                                a.pending() + b.pending(),
                                Math.max(a.lastReadMs(), b.lastReadMs()),
                                a.partition() >= 0 ? a.partition() : b.partition()));
            }
        }
        return byInstance;
    }

    /**
     * The group whose subjects {@code filter} reads on {@code route}, or -1 for none of the site's. No filter (a
     * consumer made before partitions existed) reads every edge: the one group of a site without partitions.
     */
    private static int group(MetricsRoute route, String filter, int partitions) {
        if (filter == null || filter.isEmpty()) {
            filter = route.wildcard();
        }
        for (int k = 0; k < partitions; k++) {
            if (new Partition(partitions, k).subjects(route).equals(filter)) {
                return k;
            }
        }
        return -1;
    }
}
