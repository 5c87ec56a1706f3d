package io.dualhub.central.gaps;

import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.nats.client.Connection;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The standbys' side of gap repair: only the leader asks edges, so a standby that misses a range tells the leader on
 * {@link Subjects#MISSING_RANGES}, once per grace while it is still missing; the leader keeps each standby's latest
 * report of each range for two graces. Reports arrive on the NATS dispatcher and are handed to the gap repair's
 * scheduler thread through a concurrent map; everything else runs on that thread.
 */
final class StandbyRelay {
    private static final Logger LOG = LoggerFactory.getLogger(StandbyRelay.class);
    private final String instance;
    private final Predicate<String> owns;
    private final long graceMs;
    private final Clock clock;
    private final Map<ReportKey, Reported> reported = new ConcurrentHashMap<>();

    private record Reported(MissingRange range, long receivedAtMs) {}

    /** A standby's report is kept per hub and range: the latest of each replaces the one before. */
    private record ReportKey(String instance, RangeKey range) {}

    /** {@code owns}: whether an edge is one of this hub's group (a report about another group's edge is not ours). */
    StandbyRelay(String instance, Predicate<String> owns, Duration grace, Clock clock) {
        this.instance = instance;
        this.owns = owns;
        this.graceMs = grace.toMillis();
        this.clock = clock;
    }

    /** Listens for the standbys' reports, on every connection NATS makes. */
    void start(NatsLink nats) {
        nats.whenConnected(c -> c.createDispatcher(this::onReported).subscribe(Subjects.MISSING_RANGES));
    }

    /** A standby's part: tells the leader this hub misses the range. */
    void tellLeader(Connection c, MissingRange m) {
        try (AboutEdge about = AboutEdge.of(m.edge())) {
            LOG.warn(
                    "edge {}: batches {}..{} acknowledged by the stream but not stored here; telling the leader",
                    m.edge(),
                    m.from(),
                    m.to());
        }
        c.publish(Subjects.MISSING_RANGES, EventCodec.encode(m));
    }

    /** The standbys' ranges reported within the last two graces (they report each grace while still missing). */
    List<MissingRange> fresh(long nowMs) {
        reported.values().removeIf(r -> nowMs - r.receivedAtMs() > 2 * graceMs);
        return reported.values().stream().map(Reported::range).toList();
    }

    private void onReported(Message msg) {
        try {
            MissingRange m = EventCodec.decode(msg.getData(), MissingRange.class);
            if (!m.instance().equals(instance) && owns.test(m.edge())) {
                reported.put(new ReportKey(m.instance(), m.key()), new Reported(m, clock.millis()));
            }
        } catch (RuntimeException e) {
            LOG.warn("ignoring a malformed missing-range report on {}: {}", msg.getSubject(), e.toString());
        }
    }
}
