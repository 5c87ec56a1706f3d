package io.dualhub.common;

import java.util.ArrayList;
import java.util.List;

/**
 * Every NATS subject, stream, consumer and header name the two hubs agree on. Two namespaces that never overlap:
 * an edge publishes only under its own id, on {@code dualhub.metrics.<id>}, {@code dualhub.metrics-b.<id>} and
 * {@code dualhub.events.<id>.>} (and where the servers split the edges over groups, the subjects its metrics are
 * mapped to, {@code dualhub.metrics.<k>.<id>} and {@code dualhub.metrics-b.<k>.<id>}); everything a CentralHub
 * publishes (lifecycle, alerts, recovery audit, missing ranges, commands) has another second token. An edge id is
 * one token (no dot, no wildcard), so no id can produce a hub subject and no id needs to be reserved;
 * {@code SubjectsTest} checks every hub subject against every edge's permissions.
 */
public final class Subjects {
    /** The primary metrics stream; see {@link MetricsRoute} for both. */
    public static final String METRICS_STREAM = MetricsRoute.PRIMARY.stream();

    public static final String EVENTS_STREAM = "DUALHUB_EVENTS";
    public static final String METRICS_WILDCARD = MetricsRoute.PRIMARY.wildcard();
    public static final String EVENTS_PREFIX = "dualhub.events.";
    public static final String EVENTS_WILDCARD = "dualhub.events.>";
    public static final String HEARTBEAT_WILDCARD = "dualhub.events.*.heartbeat";
    /** JetStream's de-duplication header; our value is {@code <edgeId>-<seq>}. */
    public static final String MSG_ID_HEADER = "Nats-Msg-Id";

    private Subjects() {}

    public static String metrics(String edgeId) {
        return MetricsRoute.PRIMARY.subject(edgeId);
    }

    public static String heartbeat(String edgeId) {
        return EVENTS_PREFIX + EdgeId.require(edgeId) + ".heartbeat";
    }

    public static String gapEvent(String edgeId) {
        return EVENTS_PREFIX + EdgeId.require(edgeId) + ".gap";
    }

    /** The edge an event subject ({@code dualhub.events.<edge>.<kind>}) comes from, or null when it is not one. */
    public static String edgeOfEvent(String subject) {
        String[] tokens = subject.split("\\.");
        return tokens.length == 4 && subject.startsWith(EVENTS_PREFIX) && EdgeId.isValid(tokens[2]) ? tokens[2] : null;
    }

    /** Request/reply commands to one edge (resend requests). */
    public static String command(String edgeId) {
        return "dualhub.cmd." + EdgeId.require(edgeId);
    }

    /**
     * The prefix of an edge's reply subjects (JetStream acks): its own, so a server can let each edge receive its
     * replies and nothing else.
     */
    public static String edgeInbox(String edgeId) {
        return "_INBOX." + EdgeId.require(edgeId);
    }

    /**
     * Every subject an edge may publish to (its NATS user's permissions): both metrics routes and its events; on a
     * site whose edges are split over {@code partitions} CentralHub groups, also the subjects the servers map its
     * metrics to, since a server checks a publish against the mapped subject (nats-server 2.9: refused otherwise).
     */
    public static List<String> edgePublishes(String edgeId, int partitions) {
        List<String> subjects = new ArrayList<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            subjects.add(route.subject(edgeId));
            if (partitions > 1) {
                subjects.add(route.partitionSubject(Partition.of(edgeId, partitions), edgeId));
            }
        }
        subjects.add(EVENTS_PREFIX + edgeId + ".>");
        return subjects;
    }

    /** Every subject an edge may subscribe to: its commands and its replies (JetStream acks). */
    public static List<String> edgeReceives(String edgeId) {
        return List.of(command(edgeId), edgeInbox(edgeId) + ".>");
    }

    /**
     * {@code <edgeId>-<incarnation>-<seq>}: unique across a buffer's lives, so a rebuilt edge is not deduplicated away.
     */
    public static String msgId(String edgeId, String incarnation, long seq) {
        return incarnation.isEmpty() ? edgeId + "-" + seq : edgeId + "-" + incarnation + "-" + seq;
    }

    /** Where a standby CentralHub tells the leader which batches its own store lacks, for the leader to request. */
    public static final String MISSING_RANGES = "dualhub.central.missing";

    /** Where the leader publishes each change of an edge's lifecycle state (kept in the events stream). */
    public static String lifecycle(String edgeId) {
        return "dualhub.lifecycle." + EdgeId.require(edgeId);
    }

    public static final String LIFECYCLE_WILDCARD = "dualhub.lifecycle.>";

    /** Where the leader publishes alerts, by severity ({@code warning}, {@code critical}). */
    public static String alerts(String severity) {
        return "dualhub.alerts." + severity;
    }

    /** The audit stream of recovery actions, and the subject of each playbook's records in it. */
    public static final String RECOVERY_STREAM = "DUALHUB_RECOVERY";

    public static final String RECOVERY_WILDCARD = "dualhub.recovery.>";

    public static String recovery(String playbook) {
        return "dualhub.recovery." + playbook;
    }

    public static String centralConsumer(String instance) {
        return "central-" + instance;
    }
}
