package io.dualhub.central.rejection;

import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.logging.LogThrottle;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What this hub refused to store or believe, and why: every refused message is counted
 * ({@code dualhub_central_messages_rejected_total{reason}}); the first of an edge and reason is logged and audited
 * at once, later ones at most once a minute with how many came in between, so a flood of hostile input is a few
 * lines, not a storm. The edge named is always the one whose subject the message came on: the only identity NATS
 * vouches for. Thread-safe: called from the ingest thread and from NATS dispatchers.
 */
public final class Rejections {
    /** The playbook name of rejection records in the audit ({@code /api/v1/recovery}). */
    public static final String PLAYBOOK = "input-rejected";

    private static final Logger LOG = LoggerFactory.getLogger(Rejections.class);
    /** Each edge and reason is logged and audited at most once a minute, with how many more came since. */
    private static final Duration QUIET = Duration.ofMinutes(1);
    /** Edge-and-reason pairs remembered at most: a fleet of thousands of edges, bounded against hostile ids. */
    private static final int MAX_THROTTLED = 10_000;

    /** Why a message was refused; the name is the meter's {@code reason} tag. */
    public enum Reason {
        /** The payload names another edge than the subject it came on. */
        EDGE_MISMATCH("edge-mismatch"),
        /** Not a message of the wire schema: cannot be decoded. */
        MALFORMED("malformed"),
        /**
         * Written in a newer wire format than this hub reads: not accounted, so its sequence stays a hole to repair.
         */
        NEWER_FORMAT("newer-format"),
        /** A batch whose points break the {@link io.dualhub.common.wire.PointLimits}. */
        INVALID("invalid"),
        /** A batch whose new series would bring its edge past {@code store.max-series-per-edge}. */
        SERIES_LIMIT("series-limit"),
        /** Delivered {@code ingest.max-deliver} times without being stored: parked by JetStream. */
        MAX_DELIVERIES("max-deliveries");

        private final String tag;

        Reason(String tag) {
            this.tag = tag;
        }

        public String tag() {
            return tag;
        }
    }

    private final String instance;
    private final Consumer<RecoveryAction> audit;
    private final Clock clock;
    private final LogThrottle throttle;
    private final Map<Reason, Counter> counters = new EnumMap<>(Reason.class);

    public Rejections(
            String instance,
            MeterRegistry meters,
            Consumer<RecoveryAction> audit,
            Clock clock,
            LongSupplier nanoTicker) {
        this.instance = instance;
        this.audit = audit;
        this.clock = clock;
        this.throttle = new LogThrottle(QUIET, MAX_THROTTLED, nanoTicker);
        for (Reason r : Reason.values()) {
            counters.put(
                    r,
                    Counter.builder("dualhub.central.messages.rejected")
                            .tag("reason", r.tag())
                            .description("Messages refused (not stored, not believed), by reason")
                            .register(meters));
        }
    }

    /**
     * Accounts one refused message: {@code edge} is its subject's edge (null when the subject names none),
     * {@code what} what the message was and where it came ("batch 17 on dualhub.metrics.a"), {@code why} the reason
     * in words.
     */
    public void reject(String edge, Reason reason, String what, String why) {
        counters.get(reason).increment();
        LogThrottle.Verdict v = throttle.occurred(edge + "/" + reason);
        if (!v.say()) {
            return;
        }
        String repeats = v.repeats() == 0 ? "" : " (and " + v.repeats() + " more like it since the last report)";
        try (AboutEdge about = AboutEdge.of(edge)) {
            LOG.warn("refused {} ({}): {}{}", what, reason.tag(), why, repeats);
        }
        long now = clock.millis();
        audit.accept(RecoveryAction.begin(
                        PLAYBOOK, edge, "refused " + what + repeats, reason.tag() + ": " + why, now, instance)
                .then(RecoveryAction.DONE, "not stored, not believed", now, instance));
    }

    /** Messages refused since start, by reason tag. */
    public Map<String, Long> counts() {
        Map<String, Long> counts = new TreeMap<>();
        counters.forEach((reason, counter) -> counts.put(reason.tag(), (long) counter.count()));
        return counts;
    }
}
