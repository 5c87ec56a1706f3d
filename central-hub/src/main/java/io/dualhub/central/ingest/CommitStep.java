package io.dualhub.central.ingest;

import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.CommitOutcome;
import io.dualhub.central.store.StoreException;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.nats.client.Message;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One commit: judges a group of messages, commits what is to be committed in one store transaction, and only then
 * acknowledges each message and accounts its outcome. Runs on the ingest thread only.
 */
final class CommitStep {
    private static final Logger LOG = LoggerFactory.getLogger(CommitStep.class);
    private final MessageJudge judge;
    private final Committer store;
    private final int maxSeriesPerEdge;
    private final IngestListener listener;
    private final Rejections rejections;
    private final IngestMetrics metrics;
    private final Clock clock;
    private final LongSupplier nanoTime;

    /** The store's one transaction over a group: an outcome per message, in order; all or nothing. */
    @FunctionalInterface
    interface Committer {
        List<CommitOutcome> commit(List<EdgeMessage> messages) throws StoreException;
    }

    CommitStep(
            MessageJudge judge,
            Committer store,
            int maxSeriesPerEdge,
            IngestListener listener,
            Rejections rejections,
            IngestMetrics metrics,
            Clock clock,
            LongSupplier nanoTime) {
        this.judge = judge;
        this.store = store;
        this.maxSeriesPerEdge = maxSeriesPerEdge;
        this.listener = listener;
        this.rejections = rejections;
        this.metrics = metrics;
        this.clock = clock;
        this.nanoTime = nanoTime;
    }

    /**
     * Commits the group. A refused message was terminated by the judge; the others are acknowledged only after the
     * commit, so a crash before it has them redelivered and stored then. When the commit fails every one of them is
     * negatively acknowledged with {@code retry} and the {@link StoreException} thrown on.
     */
    void commit(List<Arrival> messages, Duration retry) {
        List<EdgeMessage> batches = new ArrayList<>(messages.size());
        List<Message> valid = new ArrayList<>(messages.size());
        int[] markers = new int[messages.size()];
        for (Arrival arrival : messages) {
            Message m = arrival.message();
            EdgeMessage decoded = judge.judge(arrival);
            if (decoded instanceof Batch b) {
                Batch samples = b.withoutStaleMarkers(); // exported from the stream; the store keeps samples only
                markers[valid.size()] = b.points().size() - samples.points().size();
                decoded = samples;
            }
            if (decoded != null) {
                batches.add(decoded);
                valid.add(m);
            }
        }
        if (batches.isEmpty()) {
            return;
        }
        long start = nanoTime.getAsLong();
        List<CommitOutcome> outcomes;
        try {
            outcomes = store.commit(batches);
        } catch (StoreException e) {
            // redelivered when the retry is due, not before: each retry costs one delivery of ingest.max-deliver
            valid.forEach(m -> m.nakWithDelay(retry));
            throw e;
        }
        metrics.committed(nanoTime.getAsLong() - start);
        if (outcomes.size() != batches.size()) {
            // acknowledging by position would account messages under each other's outcomes: none is acknowledged,
            // and what the commit wrote comes again as duplicates
            throw new IllegalStateException(
                    "BUG: the store answered " + outcomes.size() + " outcomes for " + batches.size() + " messages");
        }
        long now = clock.millis();
        for (int i = 0; i < valid.size(); i++) {
            valid.get(i).ack();
            switch (outcomes.get(i)) {
                case STORED -> {
                    Batch b = (Batch) batches.get(i);
                    metrics.stored(b, markers[i], now);
                    listener.stored(b);
                }
                case DECLARED -> declared((GapDeclaration) batches.get(i));
                case REFUSED_SERIES ->
                    refusedSeries((Batch) batches.get(i), valid.get(i).getSubject());
                default -> metrics.duplicate();
            }
        }
    }

    /** A batch the store refused for the series it would add: accounted as invalid there, said and counted here. */
    private void refusedSeries(Batch b, String subject) {
        rejections.reject(
                b.edgeId(),
                Rejections.Reason.SERIES_LIMIT,
                "batch " + b.seq() + " on " + subject,
                "its new series would bring the edge past store.max-series-per-edge (" + maxSeriesPerEdge
                        + "); accounted as invalid, not stored");
        listener.declared(GapDeclaration.invalid(
                b.edgeId(), b.incarnation(), b.seq(), b.points().size(), clock.millis()));
    }

    private void declared(GapDeclaration gap) {
        listener.declared(gap);
        if (gap.reason() == GapDeclaration.Reason.INVALID) {
            return; // said by Rejections when it was judged
        }
        metrics.declaredDropped(gap.points());
        try (AboutEdge about = AboutEdge.of(gap.edgeId())) {
            LOG.warn(
                    "edge {} declared batches {}..{} {} ({} points)",
                    gap.edgeId(),
                    gap.fromSeq(),
                    gap.toSeq(),
                    switch (gap.reason()) {
                        case OVERFLOW -> "dropped by its overflow policy";
                        case TOO_LARGE -> "dropped: larger than the NATS server's max_payload";
                        default -> "lost (expired before they could be resent)";
                    },
                    gap.points());
        }
    }
}
