package io.dualhub.central.stream;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.RestorePoint;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.AckPolicy;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.ConsumerInfo;
import io.nats.client.api.DeliverPolicy;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import io.nats.client.api.StreamInfoOptions;
import io.nats.client.api.Subject;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creates the dualhub streams (both metrics routes and the events stream) and this hub's durable consumers when
 * missing, idempotently. An existing stream whose
 * settings differ from ours is never changed silently: setup fails with a message that lists the differences. The
 * one change made in place is a forward migration: a stream an older hub made without a subject this one adds.
 */
public final class StreamSetup {
    private static final Logger LOG = LoggerFactory.getLogger(StreamSetup.class);
    /** JetStream's API error code for "stream not found". */
    private static final int STREAM_NOT_FOUND = 10059;
    /** JetStream's API error code for "consumer not found". */
    private static final int CONSUMER_NOT_FOUND = 10014;

    private final CentralConfig.StreamSettings stream;
    private final CentralConfig.IngestSettings ingest;
    private final Partition partition;

    /** Setup for a hub of group {@code partition}: its consumers read only that group's edges. */
    public StreamSetup(CentralConfig.StreamSettings stream, CentralConfig.IngestSettings ingest, Partition partition) {
        this.stream = stream;
        this.ingest = ingest;
        this.partition = partition;
    }

    public StreamConfiguration metricsStream(MetricsRoute route) {
        return StreamConfiguration.builder()
                .name(route.stream())
                .subjects(route.wildcard())
                .storageType(StorageType.File)
                .replicas(stream.replicas())
                .maxAge(stream.maxAge())
                .duplicateWindow(stream.duplicateWindow())
                .build();
    }

    public StreamConfiguration eventsStream() {
        return StreamConfiguration.builder()
                .name(Subjects.EVENTS_STREAM)
                .subjects(Subjects.EVENTS_WILDCARD, Subjects.LIFECYCLE_WILDCARD)
                .storageType(StorageType.File)
                .replicas(stream.replicas())
                .maxAge(stream.eventsMaxAge())
                .duplicateWindow(Duration.ofMinutes(2))
                .build();
    }

    /**
     * Ensures the metrics streams of both routes, the events stream and the durable consumers
     * {@code central-<instance>}; returns what it had to create: stream names, and {@code consumer <name> on <stream>}
     * for a consumer missing from a stream that existed.
     */
    public List<String> ensure(JetStreamManagement jsm, String instance) throws IOException, JetStreamApiException {
        List<String> created = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            ensureStream(jsm, metricsStream(route), created);
        }
        ensureStream(jsm, eventsStream(), created);
        for (String stream : missingConsumers(jsm, instance)) {
            if (!created.contains(stream)) {
                created.add("consumer " + Subjects.centralConsumer(instance) + " on " + stream);
            }
        }
        for (MetricsRoute route : MetricsRoute.values()) {
            jsm.addOrUpdateConsumer(route.stream(), keepingStart(jsm, route, instance));
        }
        List<String> unmapped = unmappedEdges(jsm);
        if (!unmapped.isEmpty()) {
            LOG.warn(
                    "the metrics streams hold batches no partition mapping placed, of edges {}: this hub (central.partition"
                            + " {} of central.partitions {}) reads only {}, so nobody stores them; add the mapping to every"
                            + " NATS server (docs/operations.md, \"Ingest past one hub: partitions\")",
                    unmapped,
                    partition.index(),
                    partition.count(),
                    partition.subjects(MetricsRoute.PRIMARY));
        }
        return created;
    }

    /**
     * On a partitioned site, the edges (at most 10) with batches on their own subjects, which only the servers'
     * subject mapping would have moved to a partition's: a server without the mapping, which no group reads from.
     * Empty without partitions.
     */
    public List<String> unmappedEdges(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        Set<String> edges = new TreeSet<>();
        if (partition.count() > 1) {
            for (MetricsRoute route : MetricsRoute.values()) {
                StreamInfo info =
                        jsm.getStreamInfo(route.stream(), StreamInfoOptions.filterSubjects(route.unmappedWildcard()));
                List<Subject> subjects = info.getStreamState().getSubjects();
                for (Subject subject : subjects == null ? List.<Subject>of() : subjects) {
                    edges.add(MetricsRoute.edgeOf(subject.getName()));
                }
            }
        }
        return edges.stream().limit(10).toList();
    }

    /**
     * Our consumer settings, with the start of the consumer already there: JetStream refuses to change where a
     * consumer starts, and one moved to a restore point ({@link #moveTo}) starts at a sequence.
     */
    private ConsumerConfiguration keepingStart(JetStreamManagement jsm, MetricsRoute route, String instance)
            throws IOException, JetStreamApiException {
        ConsumerConfiguration wanted = consumer(route, instance);
        ConsumerInfo have = existing(jsm, route, instance);
        return have == null
                ? wanted
                : ConsumerConfiguration.builder(wanted)
                        .deliverPolicy(have.getConsumerConfiguration().getDeliverPolicy())
                        .startSequence(have.getConsumerConfiguration().getStartSequence())
                        .build();
    }

    /** This hub's durable consumer on the route's stream, or null when there is none. */
    private static ConsumerInfo existing(JetStreamManagement jsm, MetricsRoute route, String instance)
            throws IOException, JetStreamApiException {
        return durableConsumer(jsm, route.stream(), Subjects.centralConsumer(instance));
    }

    /** The durable consumer {@code name} on {@code stream}, or null when there is none. */
    public static ConsumerInfo durableConsumer(JetStreamManagement jsm, String stream, String name)
            throws IOException, JetStreamApiException {
        try {
            return jsm.getConsumerInfo(stream, name);
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != CONSUMER_NOT_FOUND) {
                throw e;
            }
            return null;
        }
    }

    /**
     * For each metrics stream, the first sequence this hub's consumer has not acknowledged (1 when it has no
     * consumer): everything below it was committed to the store before it was acknowledged.
     */
    public Map<String, Long> nextUnacknowledged(JetStreamManagement jsm, String instance)
            throws IOException, JetStreamApiException {
        Map<String, Long> next = new TreeMap<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            ConsumerInfo consumer = existing(jsm, route, instance);
            next.put(
                    route.stream(),
                    consumer == null ? 1 : consumer.getAckFloor().getStreamSequence() + 1);
        }
        return next;
    }

    /**
     * Makes this hub's consumers start again at the restore point of the backup its store came from (deleted and
     * created anew: a consumer's start cannot be changed). Returns a warning per stream that no longer holds the
     * restore point's first messages (older than {@code stream.max-age}): what those held reaches this hub only
     * through gap repair, from the edges' buffers; and per stream that ends before the restore point (made anew
     * since the backup), which is then read from its start.
     */
    public List<String> moveTo(JetStreamManagement jsm, String instance, RestorePoint point)
            throws IOException, JetStreamApiException {
        List<String> warnings = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            ConsumerConfiguration wanted = consumer(route, instance);
            StreamInfo stream = jsm.getStreamInfo(route.stream());
            long first = stream.getStreamState().getFirstSequence();
            long last = stream.getStreamState().getLastSequence();
            long start = point.nextSeq().getOrDefault(route.stream(), 1L);
            if (start > last + 1) {
                warnings.add("stream " + route.stream() + " ends at " + last + ", before the restore point " + start
                        + ": it was made anew since the backup; this hub reads it from its start");
                start = 1;
            } else if (first > start && point.fromBackup()) {
                warnings.add("stream " + route.stream() + " starts at " + first + ", the restore point at "
                        + start + ": messages " + start + ".." + (first - 1) + " are gone (older than stream.max-age);"
                        + " gap repair asks the edges for what they held");
            } else if (first > start) {
                warnings.add("stream " + route.stream() + " starts at " + first + ": what the WAL set aside held of"
                        + " messages older than that (stream.max-age) is gone from this hub's store; gap repair asks"
                        + " the edges for what they still hold, and the peer hub has it all");
            }
            if (existing(jsm, route, instance) != null) {
                jsm.deleteConsumer(route.stream(), wanted.getDurable());
            }
            jsm.addOrUpdateConsumer(
                    route.stream(),
                    ConsumerConfiguration.builder(wanted)
                            .deliverPolicy(DeliverPolicy.ByStartSequence)
                            .startSequence(start)
                            .build());
        }
        return warnings;
    }

    /** The metrics streams that lack this hub's durable consumer {@code central-<instance>}. */
    public List<String> missingConsumers(JetStreamManagement jsm, String instance)
            throws IOException, JetStreamApiException {
        List<String> missing = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            if (!jsm.getConsumerNames(route.stream()).contains(Subjects.centralConsumer(instance))) {
                missing.add(route.stream());
            }
        }
        return missing;
    }

    public ConsumerConfiguration consumer(MetricsRoute route, String instance) {
        return ConsumerConfiguration.builder()
                .durable(Subjects.centralConsumer(instance))
                .filterSubject(partition.subjects(route))
                .ackPolicy(AckPolicy.Explicit)
                .deliverPolicy(DeliverPolicy.All)
                .ackWait(ingest.ackWait())
                .maxAckPending(ingest.maxAckPending())
                .maxDeliver(ingest.maxDeliver())
                .build();
    }

    private static void ensureStream(JetStreamManagement jsm, StreamConfiguration wanted, List<String> created)
            throws IOException, JetStreamApiException {
        StreamInfo info;
        try {
            info = jsm.getStreamInfo(wanted.getName());
        } catch (JetStreamApiException e) {
            if (e.getApiErrorCode() != STREAM_NOT_FOUND) {
                throw e;
            }
            jsm.addStream(wanted);
            created.add(wanted.getName());
            return;
        }
        if (lacksOnlySubjects(info.getConfiguration(), wanted)) {
            // a stream made by an older hub: adding a subject is a forward migration that loses nothing
            jsm.updateStream(StreamConfiguration.builder(info.getConfiguration())
                    .subjects(wanted.getSubjects())
                    .build());
            LOG.info("stream {}: added subjects, now {}", wanted.getName(), wanted.getSubjects());
            return;
        }
        List<String> diffs = differences(info.getConfiguration(), wanted);
        if (!diffs.isEmpty()) {
            throw new StreamConflictException("stream " + wanted.getName() + " exists with a different configuration ("
                    + String.join("; ", diffs) + "); dualhub will not change it: update it with `nats stream edit`,"
                    + " or set stream.* in the CentralHub config to match");
        }
    }

    /** True when {@code have} differs from {@code want} only by lacking some of its subjects. */
    static boolean lacksOnlySubjects(StreamConfiguration have, StreamConfiguration want) {
        if (!want.getSubjects().containsAll(have.getSubjects())
                || have.getSubjects().containsAll(want.getSubjects())) {
            return false;
        }
        List<String> others = differences(
                StreamConfiguration.builder(have).subjects(want.getSubjects()).build(), want);
        return others.isEmpty();
    }

    static List<String> differences(StreamConfiguration have, StreamConfiguration want) {
        List<String> diffs = new ArrayList<>();
        compare(diffs, "subjects", have.getSubjects(), want.getSubjects());
        compare(diffs, "storage", have.getStorageType(), want.getStorageType());
        compare(diffs, "replicas", have.getReplicas(), want.getReplicas());
        compare(diffs, "max age", have.getMaxAge(), want.getMaxAge());
        compare(diffs, "duplicate window", have.getDuplicateWindow(), want.getDuplicateWindow());
        return diffs;
    }

    private static void compare(List<String> diffs, String what, Object have, Object want) {
        if (!Objects.equals(have, want)) {
            diffs.add(what + " is " + have + ", dualhub wants " + want);
        }
    }
}
