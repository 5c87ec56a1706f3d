package io.dualhub.edge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder's state machine turn by turn: {@link Forwarder#runOnce} over a fake {@link Publisher} that answers
 * publishes when the test says so, on a nanoTime the test moves. No thread, no server, no waiting.
 */
class ForwarderStepTest {
    private static final String EDGE = "step";
    /** A point whose batch is larger than the smallest batch a buffer may cut, so small buffers can be built. */
    private static final Point POINT =
            Point.of("m", Map.of("pad", "x".repeat(BufferSettings.MIN_MAX_BATCH_BYTES)), 1, 1);

    private static final Duration TIMEOUT = Duration.ofSeconds(1);
    private static final Duration BACKOFF = Duration.ofMillis(100);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(1);

    @TempDir
    Path dir;

    private final AtomicLong nanos = new AtomicLong();
    private final FakePublisher publisher = new FakePublisher();
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final List<AutoCloseable> opened = new ArrayList<>();
    private EdgeBuffer buffer;
    private Forwarder forwarder;

    @AfterEach
    void closeAll() throws Exception {
        for (int i = opened.size() - 1; i >= 0; i--) {
            opened.get(i).close();
        }
    }

    @Test
    void aFullWindowHoldsBackTheNextBatchUntilItsHeadIsAcked() {
        start(BufferSettings.unbounded(1 << 20), 3);
        append(5);

        assertThat(forwarder.runOnce()).as("caught up").isFalse();
        assertThat(publisher.sent).extracting(Sent::msgId).containsExactly(msgId(1), msgId(2), msgId(3));
        forwarder.runOnce();
        assertThat(publisher.sent).as("the window is full").hasSize(3);

        publisher.ack(0);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(1);
        assertThat(publisher.sent).extracting(Sent::msgId).endsWith(msgId(4)).hasSize(4);
    }

    @Test
    void theCheckpointPassesOnlyContiguousAcks() {
        start(BufferSettings.unbounded(1 << 20), 4);
        append(4);
        long bytes = buffer.unackedBytes();
        forwarder.runOnce();

        publisher.ack(1);
        publisher.ack(2);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).as("batch 1 not acked yet").isZero();
        assertThat(buffer.unackedBytes()).isEqualTo(bytes);

        publisher.ack(0);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(3);

        publisher.ack(3);
        assertThat(forwarder.runOnce()).as("caught up").isTrue();
        assertThat(buffer.checkpointSeq()).isEqualTo(4);
        assertThat(buffer.unackedBytes()).isZero();
        assertThat(meters.counter("dualhub.edge.batches.acked").count()).isEqualTo(4);
    }

    @Test
    void aFailedPublishSwitchesRouteOnceAndIsResentThereAfterTheBackoff() {
        start(BufferSettings.unbounded(1 << 20), 3);
        append(3);
        forwarder.runOnce();
        assertThat(publisher.sent).extracting(Sent::stream).containsOnly(MetricsRoute.PRIMARY.stream());

        publisher.fail(0, new IOException("stream leader gone"));
        publisher.fail(1, new IOException("stream leader gone"));
        forwarder.runOnce();
        assertThat(forwarder.stream())
                .as("one outage, one switch: the second failure was on the route already left")
                .isEqualTo(MetricsRoute.SECONDARY.stream());
        assertThat(meters.counter("dualhub.edge.publish.failures").count()).isEqualTo(2);

        advance(BACKOFF.minusNanos(1));
        forwarder.runOnce();
        assertThat(publisher.sent).as("paused for the backoff").hasSize(3);

        advance(Duration.ofNanos(1));
        forwarder.runOnce();
        assertThat(publisher.sent.subList(3, 5))
                .extracting(Sent::msgId, Sent::subject)
                .containsExactly(
                        tuple(msgId(1), MetricsRoute.SECONDARY.subject(EDGE)),
                        tuple(msgId(2), MetricsRoute.SECONDARY.subject(EDGE)));
        assertThat(publisher.sent.subList(3, 5))
                .extracting(Sent::payload)
                .as("resent as the buffer holds them")
                .containsExactly(batch(1).payload(), batch(2).payload());
        assertThat(publisher.sent.get(3).payload())
                .as("read again from the buffer, not kept by the window")
                .isNotSameAs(publisher.sent.get(0).payload());

        publisher.ack(2);
        publisher.ack(3);
        publisher.ack(4);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(3);
    }

    @Test
    void anUnansweredPublishTimesOutAndTwoTimeoutsInARowForceAReconnect() {
        start(BufferSettings.unbounded(1 << 20), 1);
        append(1);
        forwarder.runOnce();

        advance(TIMEOUT);
        forwarder.runOnce();
        assertThat(meters.counter("dualhub.edge.publish.failures").count())
                .as("exactly the timeout: not yet")
                .isZero();
        advance(Duration.ofNanos(1));
        forwarder.runOnce();
        assertThat(meters.counter("dualhub.edge.publish.failures").count()).isEqualTo(1);
        assertThat(forwarder.stream()).isEqualTo(MetricsRoute.SECONDARY.stream());
        assertThat(publisher.forcedReconnects).isZero();

        advance(BACKOFF);
        forwarder.runOnce();
        assertThat(publisher.sent).hasSize(2);
        assertThat(publisher.sent.get(1).payload())
                .as("resent after its timeout")
                .isEqualTo(batch(1).payload());
        advance(TIMEOUT.plusNanos(1));
        forwarder.runOnce();
        assertThat(publisher.forcedReconnects)
                .as("both routes timed out through this server")
                .isEqualTo(1);
        assertThat(forwarder.stream()).isEqualTo(MetricsRoute.PRIMARY.stream());
    }

    @Test
    void theBreakerOpensWhilePublishesKeepFailingAndAReconnectStartsItsProbes() {
        start(BufferSettings.unbounded(1 << 20), 1);
        append(1);
        for (int failure = 1; failure <= 10; failure++) {
            forwarder.runOnce();
            assertThat(publisher.sent).as("attempt %d sent", failure).hasSize(failure);
            publisher.fail(failure - 1, new IOException("no stream"));
            forwarder.runOnce();
            advance(MAX_BACKOFF);
        }
        assertThat(forwarder.circuitState()).isEqualTo("OPEN");
        assertThat(meters.counter("dualhub.edge.circuit.opened").count()).isEqualTo(1);

        forwarder.runOnce();
        assertThat(publisher.sent).as("nothing sent while open").hasSize(10);

        publisher.reconnect();
        forwarder.runOnce();
        assertThat(forwarder.circuitState()).isEqualTo("HALF_OPEN");
        assertThat(publisher.sent).as("the probe").hasSize(11);
        publisher.ack(10);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(1);
    }

    @Test
    void overDropOldestTheOldestBatchesNeverSentAreDeclaredAndPassedOnceTheStreamHasTheDeclaration() {
        long batchBytes = oneBatchBytes();
        BufferSettings twoBatches = BufferSettings.from(BufferSettings.unbounded((int) batchBytes))
                .maxBytes(2 * batchBytes)
                .overflow(BufferSettings.Overflow.DROP_OLDEST)
                .build();
        start(twoBatches, 3);
        publisher.connected = false;
        append(5);

        forwarder.runOnce();
        assertThat(publisher.sent).as("no connection").isEmpty();
        assertThat(buffer.checkpointSeq()).isZero();

        publisher.connected = true;
        forwarder.runOnce();
        assertThat(publisher.sent).extracting(Sent::msgId).endsWith(msgId(4), msgId(5));
        GapDeclaration gap = GapCodec.decode(publisher.sent.get(0).payload());
        assertThat(gap.reason()).isEqualTo(GapDeclaration.Reason.OVERFLOW);
        assertThat(gap.fromSeq()).isEqualTo(wireSeq(1));
        assertThat(gap.toSeq()).isEqualTo(wireSeq(3));
        assertThat(gap.points()).isEqualTo(3);

        publisher.ack(0);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(3);
        assertThat(buffer.unackedBytes()).isEqualTo(2 * batchBytes);
        assertThat(meters.counter("dualhub.edge.points.dropped").count()).isEqualTo(3);
        assertThat(meters.counter("dualhub.edge.batches.dropped").count()).isEqualTo(3);
        assertThat(publisher.events).containsExactly(Subjects.gapEvent(EDGE));
    }

    @Test
    void aBatchTheServerWillNeverTakeIsDeclaredInstead() {
        start(BufferSettings.unbounded(1 << 20), 2);
        append(2);
        publisher.maxPayload = OptionalLong.of(Forwarder.PUBLISH_OVERHEAD + batch(1).payload().length - 1);

        forwarder.runOnce();
        GapDeclaration gap = GapCodec.decode(publisher.sent.get(0).payload());
        assertThat(gap.reason()).isEqualTo(GapDeclaration.Reason.TOO_LARGE);
        assertThat(gap.fromSeq()).isEqualTo(wireSeq(1));
        publisher.ack(0);
        publisher.ack(1);
        forwarder.runOnce();
        assertThat(buffer.checkpointSeq()).isEqualTo(2);
        assertThat(buffer.unackedBytes()).isZero();
    }

    @Test
    void aCheckpointThatWouldGoBackIsABug() {
        start(BufferSettings.unbounded(1 << 20), 3);
        append(3);
        forwarder.runOnce();
        buffer.checkpoint(batch(2).position(), 0); // moved behind the forwarder's back

        publisher.ack(0);
        assertThatThrownBy(forwarder::runOnce)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("BUG: checkpoint would go back");
    }

    @Test
    void releasingMoreBacklogThanIsUnacknowledgedIsABug() {
        start(BufferSettings.unbounded(1 << 20), 3);
        append(3);
        forwarder.runOnce();
        buffer.checkpoint(batch(1).position(), buffer.unackedBytes()); // released everything at batch 1

        publisher.ack(0);
        publisher.ack(1);
        assertThatThrownBy(forwarder::runOnce)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("BUG: releasing");
    }

    @Test
    void releasingDeclaredBytesNeverDeclaredIsABug() {
        start(BufferSettings.unbounded(1 << 20), 1);
        OverflowDropper dropper = new OverflowDropper(buffer, EDGE, Clock.systemUTC());
        assertThatThrownBy(() -> dropper.released(1))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("BUG:");
    }

    @Test
    void aWindowEntryOutOfOrderIsABug() {
        start(BufferSettings.unbounded(1 << 20), 2);
        append(2);
        Window window = new Window(2);
        window.add(InFlight.batch(EDGE, buffer.lifeOf(2), batch(2)));
        assertThatThrownBy(() -> window.add(InFlight.batch(EDGE, buffer.lifeOf(1), batch(1))))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("BUG:");
    }

    /** A buffer, and a forwarder over the fake publisher with a window of {@code window}, resumed and not started. */
    private void start(BufferSettings settings, int window) {
        buffer = opened(new EdgeBuffer(dir, EDGE, Clock.systemUTC(), settings));
        ForwarderConfig config = ForwarderConfig.custom()
                .window(window)
                .publishTimeout(TIMEOUT)
                .retry(BACKOFF, 2, MAX_BACKOFF)
                .retryRandomization(0)
                .breaker(50, Duration.ofMinutes(10))
                .build();
        Clock clock = Clock.fixed(Instant.parse("2025-01-01T00:00:00Z"), ZoneOffset.UTC);
        forwarder = opened(new Forwarder(buffer, publisher, EDGE, config, meters, clock, nanos::get));
        opened(forwarder.resumeFromCheckpoint());
    }

    private <T extends AutoCloseable> T opened(T resource) {
        opened.add(resource);
        return resource;
    }

    private void append(int batches) {
        for (int i = 0; i < batches; i++) {
            buffer.append(List.of(POINT));
        }
    }

    /** The bytes one batch of {@link #append} takes, measured on a buffer of its own. */
    private long oneBatchBytes() {
        try (EdgeBuffer probe =
                new EdgeBuffer(dir.resolve("probe"), EDGE, Clock.systemUTC(), BufferSettings.unbounded(1 << 20))) {
            probe.append(List.of(POINT));
            return probe.unackedBytes();
        }
    }

    private BufferedBatch batch(long seq) {
        List<BufferedBatch> found = new ArrayList<>();
        buffer.readRange(seq, seq, found::add);
        return found.get(0);
    }

    private String msgId(long seq) {
        return Subjects.msgId(EDGE, buffer.lifeOf(seq).incarnation(), wireSeq(seq));
    }

    private long wireSeq(long seq) {
        return buffer.lifeOf(seq).wireSeq(seq);
    }

    private void advance(Duration d) {
        nanos.addAndGet(d.toNanos());
    }

    private record Sent(String subject, String stream, String msgId, byte[] payload, CompletableFuture<Void> answer) {}

    /** Publishes nowhere; each publish is answered when the test acks or fails it. */
    private static final class FakePublisher implements Publisher {
        final List<Sent> sent = new ArrayList<>();
        final List<String> events = new ArrayList<>();
        boolean connected = true;
        OptionalLong maxPayload = OptionalLong.empty();
        int forcedReconnects;
        private Runnable onReconnect;

        void ack(int publish) {
            sent.get(publish).answer().complete(null);
        }

        void fail(int publish, Throwable error) {
            sent.get(publish).answer().completeExceptionally(error);
        }

        void reconnect() {
            onReconnect.run();
        }

        @Override
        public boolean connect() {
            return connected;
        }

        @Override
        public OptionalLong maxPayload() {
            return maxPayload;
        }

        @Override
        public CompletableFuture<?> publish(String subject, String stream, String msgId, byte[] payload) {
            Sent s = new Sent(subject, stream, msgId, payload, new CompletableFuture<>());
            sent.add(s);
            return s.answer();
        }

        @Override
        public void publishEvent(String subject, byte[] event) {
            events.add(subject);
        }

        @Override
        public void forceReconnect() {
            forcedReconnects++;
        }

        @Override
        public void onReconnect(Runnable listener) {
            onReconnect = listener;
        }
    }
}
