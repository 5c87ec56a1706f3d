package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.CommitOutcome;
import io.dualhub.central.store.StoreException;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Message;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The commit step alone, over a store that answers what each test tells it and messages that record how they were
 * answered: every message is acknowledged only after the commit, whatever its outcome, and accounted by it; a failed
 * commit acknowledges none and has each come again when the store's retry is due.
 */
class CommitStepTest {
    private static final Duration RETRY = Duration.ofSeconds(4);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final AtomicLong nanos = new AtomicLong();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<RecoveryAction> audit = new ArrayList<>();
    private final Rejections rejections = new Rejections("t", meters, audit::add, clock, nanos::get);
    private final List<String> told = new ArrayList<>();
    private final List<List<EdgeMessage>> committed = new ArrayList<>();
    private final List<String> events = new ArrayList<>();
    private final String incarnation = Incarnations.newId();

    /** A message that records its acknowledgement in {@link #events}, in the order the step gave them. */
    private final class Delivered extends NatsMessage {
        private final String name;

        Delivered(String name, byte[] data) {
            super(MetricsRoute.PRIMARY.subject("e1"), null, data);
            this.name = name;
        }

        @Override
        public void ack() {
            events.add("ack " + name);
        }

        @Override
        public void nakWithDelay(Duration delay) {
            events.add("nak " + name + " " + delay.toSeconds() + "s");
        }

        @Override
        public void term() {
            events.add("term " + name);
        }
    }

    private final IngestListener listener = new IngestListener() {
        @Override
        public void stored(Batch batch) {
            told.add("stored " + batch.seq() + " with " + batch.points().size() + " points");
        }

        @Override
        public void declared(GapDeclaration gap) {
            told.add("declared " + gap.fromSeq() + ".." + gap.toSeq() + " " + gap.reason());
        }

        @Override
        public void streamsCreated(List<String> streams) {}

        @Override
        public void maintained(StoreMaintenance.Result result) {}
    };

    private CommitStep step(CommitOutcome... outcomes) {
        return new CommitStep(
                new MessageJudge(rejections, clock),
                batches -> {
                    events.add("commit " + batches.size());
                    committed.add(batches);
                    nanos.addAndGet(3_000_000); // the transaction takes 3 ms
                    return List.of(outcomes);
                },
                7,
                listener,
                rejections,
                new IngestMetrics(meters),
                clock,
                nanos::get);
    }

    private Delivered batch(long seq, Point... points) {
        return new Delivered(
                "batch " + seq,
                BatchCodec.encode(new Batch("e1", incarnation, seq, clock.millis() - 250, List.of(points))));
    }

    private static Point sample(long ts) {
        return Point.of("m", Map.of(), ts, 1);
    }

    /** The messages as the dispatcher hands them over: decoded. */
    private static List<Arrival> arrived(Message... messages) {
        return Arrays.stream(messages).map(Arrival::of).toList();
    }

    private double counter(String name) {
        return meters.counter(name).count();
    }

    private double rejected(String reason) {
        return meters.counter("dualhub.central.messages.rejected", "reason", reason)
                .count();
    }

    @Test
    void aStoredBatchIsAcknowledgedAfterTheCommitAndItsStalenessMarkersCountedNotStored() {
        Point marker = Point.staleMarker("m", new TreeMap<>(), 3);
        step(CommitOutcome.STORED).commit(arrived(batch(1, sample(1), sample(2), marker)), RETRY);

        assertThat(events).containsExactly("commit 1", "ack batch 1");
        assertThat(((Batch) committed.get(0).get(0)).points())
                .as("the store is given samples only")
                .containsExactly(sample(1), sample(2));
        assertThat(told).containsExactly("stored 1 with 2 points");
        assertThat(counter("dualhub.central.batches.stored")).isEqualTo(1);
        assertThat(counter("dualhub.central.points.stored")).isEqualTo(2);
        assertThat(counter("dualhub.central.stale.markers")).isEqualTo(1);
        assertThat(meters.timer("dualhub.central.e2e.latency").totalTime(TimeUnit.MILLISECONDS))
                .isEqualTo(250);
        assertThat(meters.timer("dualhub.central.store.commit").totalTime(TimeUnit.MILLISECONDS))
                .as("timed on the injected nanoTime")
                .isEqualTo(3);
    }

    @Test
    void eachOutcomeIsAcknowledgedAndAccountedItsOwnWay() {
        Delivered gap = new Delivered(
                "gap",
                GapCodec.encode(new GapDeclaration(
                        "e1", incarnation, 4, 5, GapDeclaration.Reason.OVERFLOW, new int[] {10, 20}, clock.millis())));
        step(CommitOutcome.DUPLICATE, CommitOutcome.DECLARED, CommitOutcome.REFUSED_SERIES)
                .commit(arrived(batch(2, sample(1)), gap, batch(6, sample(1), sample(2))), RETRY);

        assertThat(events).containsExactly("commit 3", "ack batch 2", "ack gap", "ack batch 6");
        assertThat(counter("dualhub.central.duplicates.dropped")).isEqualTo(1);
        assertThat(counter("dualhub.central.points.declared.dropped")).isEqualTo(30);
        assertThat(counter("dualhub.central.batches.stored")).isZero();
        assertThat(rejected("series-limit")).isEqualTo(1);
        assertThat(audit).singleElement().satisfies(a -> assertThat(a.why()).contains("store.max-series-per-edge (7)"));
        assertThat(told).containsExactly("declared 4..5 OVERFLOW", "declared 6..6 INVALID");
    }

    @Test
    void aFailedCommitAcknowledgesNoneAndHasEachComeAgainWhenTheRetryIsDue() {
        CommitStep failing = new CommitStep(
                new MessageJudge(rejections, clock),
                batches -> {
                    throw new StoreException("disk full", null);
                },
                7,
                listener,
                rejections,
                new IngestMetrics(meters),
                clock,
                nanos::get);
        Delivered garbage = new Delivered("garbage", new byte[] {(byte) 0xD1, 2, 1, 2, 3});
        List<Arrival> group = arrived(batch(1, sample(1)), garbage, batch(2, sample(1)));

        assertThatThrownBy(() -> failing.commit(group, RETRY))
                .isInstanceOf(StoreException.class)
                .hasMessage("disk full");
        assertThat(events)
                .as("the refused message terminated when judged; the others negatively acknowledged, never acked")
                .containsExactly("term garbage", "nak batch 1 4s", "nak batch 2 4s");
        assertThat(told).isEmpty();
        assertThat(counter("dualhub.central.batches.stored")).isZero();
    }

    @Test
    void refusedMessagesAloneReachNoStore() {
        Delivered forged = new Delivered(
                "forged", BatchCodec.encode(new Batch("e2", incarnation, 1, clock.millis(), List.of(sample(1)))));
        step().commit(arrived(forged), RETRY);

        assertThat(events).containsExactly("term forged");
        assertThat(committed).isEmpty();
        assertThat(rejected("edge-mismatch")).isEqualTo(1);
    }

    @Test
    void aStoreAnsweringTooFewOutcomesIsABugAndNothingIsAcknowledged() {
        CommitStep step = step(CommitOutcome.STORED);
        List<Arrival> group = arrived(batch(1, sample(1)), batch(2, sample(1)));

        assertThatThrownBy(() -> step.commit(group, RETRY))
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("BUG: the store answered 1 outcomes for 2 messages");
        assertThat(events).containsExactly("commit 2");
        assertThat(told).isEmpty();
    }
}
