package io.dualhub.edge.forward;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.GapEvent;
import io.dualhub.common.wire.Latency;
import io.dualhub.edge.buffer.BufferLife;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.hub.metrics.LatencyTimers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.github.resilience4j.circuitbreaker.CircuitBreakerConfig;
import io.github.resilience4j.core.IntervalFunction;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves batches from the {@link EdgeBuffer} to JetStream. One thread owns the in-flight window: it reads batches
 * after the checkpoint, publishes them asynchronously with {@code Nats-Msg-Id: <edgeId>-<seq>}, and advances the
 * checkpoint only over contiguously acknowledged sequences. A failed or unanswered publish switches to the other
 * {@link MetricsRoute} (so a dying stream leader costs one publish timeout, not an election), pauses sending for an
 * exponential backoff with jitter, and is resent; JetStream's duplicate window and the CentralHub's sequence
 * tracking absorb the resends. Under drop-oldest, when the backlog exceeds its limit, the oldest batches never sent
 * are not published but declared: a {@link GapDeclaration} takes their place in the window, in sequence order, and
 * the checkpoint passes them only once the stream has it. jnats' threads only hand answers back through a queue.
 */
public final class Forwarder implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Forwarder.class);
    private static final long IDLE_WAIT_MS = 50;
    /**
     * How long a caught-up forwarder waits for a wake-up before it looks at the buffer again anyway. An append, a
     * reconnect or close() wakes it at once; this bounds what a wake-up that never came would cost (a clean-clone run
     * once left a 3,000,000-point backlog unforwarded for two minutes with no publish failing) to a second, at one
     * look a second on an idle edge.
     */
    private static final long CAUGHT_UP_WAIT_MS = 1000;

    private static final Duration RESTART_PAUSE = Duration.ofSeconds(1);
    /** Batches one gap declaration covers at most, so a declaration stays a small message. */
    private static final int MAX_GAP_BATCHES = 1000;
    /** What a published message carries besides its payload (headers: Nats-Msg-Id, expected stream), at most. */
    static final int PUBLISH_OVERHEAD = 1024;

    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final String edgeId;
    private final ForwarderConfig config;
    private final LongSupplier nanoTime;
    private final Clock clock;
    private final IntervalFunction backoff;
    private final CircuitBreaker breaker;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Thread thread;
    private final Timer publishAck;
    private final Counter acked;
    private final Counter failures;
    private final Counter pointsDropped;
    private final Counter batchesDropped;
    private volatile boolean running = true;

    // Owned by the forwarder thread.
    private final ArrayDeque<InFlight> window = new ArrayDeque<>();
    private EdgeBuffer.Reader reader;
    private JetStream jetStream;
    private int consecutiveFailures;
    private int consecutiveTimeouts;
    private long pausedUntilNanos;
    private long pendingDropBytes;
    private volatile MetricsRoute route = MetricsRoute.PRIMARY;
    private long maxPayload = Long.MAX_VALUE; // the connected server's, once known
    private volatile String payloadProblem;

    public Forwarder(
            EdgeBuffer buffer,
            NatsLink nats,
            String edgeId,
            ForwarderConfig config,
            MeterRegistry meters,
            Clock clock,
            LongSupplier nanoTime) {
        this.clock = clock;
        this.buffer = buffer;
        this.nats = nats;
        this.edgeId = edgeId;
        this.config = config;
        this.nanoTime = nanoTime;
        this.backoff = IntervalFunction.ofExponentialRandomBackoff(
                config.retryInitial(), config.retryMultiplier(), config.retryRandomization(), config.retryMax());
        this.breaker = CircuitBreaker.of(
                "forward-" + edgeId,
                CircuitBreakerConfig.custom()
                        .slidingWindowSize(20)
                        .minimumNumberOfCalls(10)
                        .failureRateThreshold(config.breakerFailureRate())
                        .waitDurationInOpenState(config.breakerOpenFor())
                        .permittedNumberOfCallsInHalfOpenState(3)
                        .automaticTransitionFromOpenToHalfOpenEnabled(true)
                        .build());
        Gauge.builder("dualhub.edge.circuit.state", breaker, b -> stateCode(b.getState()))
                .description("Forwarder circuit breaker: 0 closed, 1 open, 2 half-open")
                .register(meters);
        Counter opened = Counter.builder("dualhub.edge.circuit.opened")
                .description("Times the forwarder's circuit breaker opened")
                .register(meters);
        breaker.getEventPublisher().onStateTransition(e -> {
            if (e.getStateTransition().getToState() == CircuitBreaker.State.OPEN) {
                opened.increment();
            }
        });
        this.publishAck = Timer.builder("dualhub.edge.publish.ack")
                .description("Time from publishing a batch to its JetStream acknowledgement")
                .publishPercentileHistogram()
                .publishPercentiles(LatencyTimers.PERCENTILES)
                .register(meters);
        this.acked = Counter.builder("dualhub.edge.batches.acked")
                .description("Batches acknowledged by JetStream")
                .register(meters);
        this.failures = Counter.builder("dualhub.edge.publish.failures")
                .description("Publish attempts that failed or timed out and will be retried")
                .register(meters);
        this.pointsDropped = Counter.builder("dualhub.edge.points.dropped")
                .description("Points dropped by the overflow policy and declared to the CentralHub")
                .register(meters);
        this.batchesDropped = Counter.builder("dualhub.edge.batches.dropped")
                .description("Batches dropped by the overflow policy and declared to the CentralHub")
                .register(meters);
        this.thread = new Thread(this::run, "forwarder-" + edgeId);
        this.thread.setDaemon(true);
        buffer.onAppend(this::wake);
        nats.onReconnect(() -> completions.offer(Completion.RECONNECTED));
    }

    public void start() {
        thread.start();
    }

    private void wake() {
        if (wakePending.compareAndSet(false, true)) {
            completions.offer(Completion.WAKE);
        }
    }

    private void run() {
        while (running) {
            try (EdgeBuffer.Reader r = buffer.readerFromCheckpoint()) {
                reader = r;
                window.clear();
                pendingDropBytes = 0;
                forward();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never give up on durable data: start again from the checkpoint; resends are de-duplicated.
                LOG.error("forwarder failed; resuming from the checkpoint in {} ms", RESTART_PAUSE.toMillis(), e);
                LockSupport.parkNanos(RESTART_PAUSE.toNanos());
            }
        }
    }

    private void forward() throws InterruptedException {
        boolean caughtUp = false;
        while (running) {
            // Caught up with nothing in flight, only an append, a reconnect or close() can bring work, and each puts
            // a completion in the queue: an idle agent's forwarder sleeps instead of turning every IDLE_WAIT_MS, and
            // looks again after CAUGHT_UP_WAIT_MS in case a wake-up was missed.
            Completion c = completions.poll(caughtUp ? CAUGHT_UP_WAIT_MS : IDLE_WAIT_MS, TimeUnit.MILLISECONDS);
            wakePending.set(false);
            for (; c != null; c = completions.poll()) {
                handle(c);
            }
            expireTimedOut();
            advanceCheckpoint();
            dropOverLimit();
            boolean sendable = canSend();
            if (sendable) {
                resendFailed();
                fillWindow();
            }
            caughtUp = sendable && window.isEmpty();
        }
    }

    private void handle(Completion c) {
        if (c == Completion.WAKE) {
            return;
        }
        if (c == Completion.RECONNECTED) {
            // A new server: what failed on the old one is worth resending now, not after the backoff or the rest of
            // an open breaker's wait; the half-open breaker's probes decide whether sending goes on.
            pausedUntilNanos = nanoTime.getAsLong();
            consecutiveTimeouts = 0;
            learnMaxPayload(nats.connection());
            if (breaker.getState() == CircuitBreaker.State.OPEN) {
                breaker.transitionToHalfOpenState();
            }
            return;
        }
        InFlight f = find(c.seq());
        if (f == null || f.acked) {
            return;
        }
        if (c.error() == null) {
            if (c.attempt() == f.attempt && f.sentAtNanos >= 0) {
                publishAck.record(nanoTime.getAsLong() - f.sentAtNanos, TimeUnit.NANOSECONDS);
            }
            f.acked = true;
            if (f.gap == null) {
                acked.increment();
            } else {
                gapAcknowledged(f);
            }
            succeeded();
        } else if (c.attempt() == f.attempt) {
            fail(f, c.error());
        }
    }

    /**
     * Records an acknowledgement. The first one after a run of failures ends that run: while the breaker is closed
     * its window starts afresh, because the failures of an outage that is over would otherwise make the first few
     * acks after it trip the breaker (7 failures and 3 acks are 70 %) and stall a recovering edge for the whole
     * open duration. The breaker so opens only while publishes keep failing.
     */
    private void succeeded() {
        if (consecutiveFailures > 0 && breaker.getState() == CircuitBreaker.State.CLOSED) {
            breaker.reset();
        }
        consecutiveFailures = 0;
        consecutiveTimeouts = 0;
        breaker.onSuccess(0, TimeUnit.NANOSECONDS);
    }

    private InFlight find(long firstSeq) {
        for (InFlight f : window) {
            if (f.firstSeq == firstSeq) {
                return f;
            }
        }
        return null;
    }

    /**
     * Marks the entry for resending. A failure on the route in use also switches to the other route (its stream
     * leader lives elsewhere), feeds the breaker and pauses sending for a backoff; failures of entries still sent on
     * the route already left only queue them for resending, so one outage is one switch, not a storm.
     */
    private void fail(InFlight f, Throwable error) {
        f.sentAtNanos = -1;
        failures.increment();
        if (f.sentOn != route) {
            return;
        }
        breaker.onError(0, TimeUnit.NANOSECONDS, error);
        consecutiveFailures++;
        long delayMs = backoff.apply(consecutiveFailures);
        pausedUntilNanos = nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(delayMs);
        route = route.other();
        consecutiveTimeouts = error instanceof TimeoutException ? consecutiveTimeouts + 1 : 0;
        if (consecutiveTimeouts >= 2 && consecutiveTimeouts % 2 == 0) {
            // Both routes timed out through this server: it is frozen or cut off; do not wait for the pings.
            nats.forceReconnect();
        }
        if (consecutiveFailures == 1 || consecutiveFailures % 50 == 0) {
            LOG.warn(
                    "publish of {} failed ({}); switching to stream {}, retrying in {} ms (failure {} in a row)",
                    f.msgId,
                    describe(error),
                    route.stream(),
                    delayMs,
                    consecutiveFailures);
        }
    }

    private static String describe(Throwable error) {
        Throwable t = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        return t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    }

    private void expireTimedOut() {
        long now = nanoTime.getAsLong();
        long timeout = config.publishTimeout().toNanos();
        for (InFlight f : window) {
            if (f.awaitingAck() && now - f.sentAtNanos > timeout) {
                fail(
                        f,
                        new TimeoutException(
                                "no ack within " + config.publishTimeout().toMillis() + " ms"));
            }
        }
    }

    private void advanceCheckpoint() {
        BufferedBatch last = null;
        long bytes = 0;
        while (!window.isEmpty() && window.peekFirst().acked) {
            InFlight f = window.pollFirst();
            last = f.last;
            bytes += f.bytes;
            if (f.gap != null) {
                pendingDropBytes -= f.bytes;
            }
        }
        if (last != null) {
            buffer.checkpoint(last, bytes);
        }
    }

    private boolean canSend() {
        if (jetStream == null) {
            Connection c = nats.connection();
            if (c == null) {
                return false;
            }
            try {
                jetStream = c.jetStream();
            } catch (IOException e) {
                return false;
            }
            learnMaxPayload(c);
        }
        // While the breaker is open nothing is sent; it half-opens by itself and a few sends probe the stream.
        return breaker.getState() != CircuitBreaker.State.OPEN && nanoTime.getAsLong() - pausedUntilNanos >= 0;
    }

    /**
     * Reads what the server takes in one message and has the buffer cut batches to fit; says so once (a log line
     * and /health) when {@code buffer.max-batch-bytes} does not fit.
     */
    private void learnMaxPayload(Connection c) {
        if (c == null || c.getServerInfo() == null) {
            return;
        }
        maxPayload = c.getServerInfo().getMaxPayload();
        int fits = (int) Math.max(1024, Math.min(Integer.MAX_VALUE, maxPayload - PUBLISH_OVERHEAD));
        int configured = buffer.settings().maxBatchBytes();
        buffer.limitBatches(fits);
        String problem = configured <= fits
                ? null
                : "buffer.max-batch-bytes (" + configured + ") does not fit the"
                        + " NATS server's max_payload (" + maxPayload + "): batches are cut at " + fits
                        + " bytes instead;"
                        + " lower buffer.max-batch-bytes or raise max_payload";
        if (problem != null && !problem.equals(payloadProblem)) {
            LOG.warn(problem);
        }
        payloadProblem = problem;
    }

    /** Why batches are cut smaller than configured (see {@link #learnMaxPayload}), or null: for /health. */
    public String payloadProblem() {
        return payloadProblem;
    }

    /**
     * A batch the server will never take in one message (buffered before its max_payload was known, or under a
     * larger one) is declared instead, with its point count, like a drop: retried it would stop the edge for good.
     */
    private void declareIfTooLarge(InFlight f) {
        if (f.gap != null || f.payload.length <= maxPayload - PUBLISH_OVERHEAD) {
            return;
        }
        BufferLife life = buffer.lifeOf(f.firstSeq);
        GapDeclaration gap = new GapDeclaration(
                edgeId,
                life.incarnation(),
                life.wireSeq(f.firstSeq),
                life.wireSeq(f.firstSeq),
                GapDeclaration.Reason.TOO_LARGE,
                new int[] {BatchCodec.pointCount(f.payload)},
                clock.millis());
        LOG.error(
                "batch {} ({} bytes, {} points) is larger than the NATS server's max_payload ({}): declaring it"
                        + " dropped instead of retrying it forever",
                f.firstSeq,
                f.payload.length,
                gap.points(),
                maxPayload);
        f.declareInstead(gap);
        pendingDropBytes += f.bytes;
    }

    private static int stateCode(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }

    /** The stream batches are being published to now (written by the forwarder thread only). */
    public String stream() {
        return route.stream();
    }

    /** Publish-to-acknowledgement latency over the last few minutes, for heartbeats. */
    public Latency publishAckLatency() {
        return LatencyTimers.latency(publishAck);
    }

    /** CLOSED, OPEN or HALF_OPEN: for /health and heartbeats. */
    public String circuitState() {
        return breaker.getState().name();
    }

    private void resendFailed() {
        for (InFlight f : window) {
            if (f.awaitingSend() && !send(f)) {
                return;
            }
        }
    }

    private void fillWindow() {
        while (window.size() < config.window() && nanoTime.getAsLong() - pausedUntilNanos >= 0) {
            BufferedBatch next = reader.next();
            if (next == null) {
                return;
            }
            InFlight f = InFlight.batch(edgeId, buffer.lifeOf(next.seq()), next);
            window.addLast(f);
            if (!send(f)) {
                return;
            }
        }
    }

    /**
     * Under drop-oldest, turns the oldest batches never sent into gap declarations while the backlog is over its
     * limit, whether or not anything can be sent now: this is what bounds the buffer during an outage. The batches
     * sent at least once, in the window or by an earlier run ({@link EdgeBuffer#sentSeq}), may be stored and are
     * never dropped.
     */
    private void dropOverLimit() {
        while (overLimit() > 0) {
            BufferedBatch next = reader.next();
            if (next == null) {
                return;
            }
            // Published by an earlier run, its ack never came: it may be in the stream, so it waits in the window to
            // be resent, and the drop goes on after it.
            window.addLast(
                    next.seq() <= buffer.sentSeq()
                            ? InFlight.batch(edgeId, buffer.lifeOf(next.seq()), next)
                            : drop(next));
        }
    }

    /** Backlog bytes beyond the limit under drop-oldest, not counting batches already being declared dropped. */
    private long overLimit() {
        BufferSettings s = buffer.settings();
        if (s.overflow() != BufferSettings.Overflow.DROP_OLDEST) {
            return 0;
        }
        return buffer.unackedBytes() - pendingDropBytes - s.maxBytes();
    }

    /**
     * Drops the oldest batches never sent, starting with {@code first}, until the backlog is back under its limit,
     * and returns the gap declaration that stands for them in the window. One declaration covers one incarnation.
     */
    private InFlight drop(BufferedBatch first) {
        long excess = overLimit();
        BufferLife life = buffer.lifeOf(first.seq());
        List<Integer> counts = new ArrayList<>();
        BufferedBatch last = first;
        long bytes = 0;
        for (BufferedBatch b = first; b != null; ) {
            counts.add(BatchCodec.pointCount(b.payload()));
            bytes += b.size();
            last = b;
            if (bytes >= excess || counts.size() >= MAX_GAP_BATCHES || b.seq() == life.lastSeq()) {
                break;
            }
            b = reader.next();
        }
        pendingDropBytes += bytes;
        GapDeclaration gap = new GapDeclaration(
                edgeId,
                life.incarnation(),
                life.wireSeq(first.seq()),
                life.wireSeq(last.seq()),
                GapDeclaration.Reason.OVERFLOW,
                counts.stream().mapToInt(Integer::intValue).toArray(),
                clock.millis());
        LOG.warn(
                "buffer over its limit (buffer.max-bytes, overflow: drop-oldest): dropping batches {}..{} ({} points)",
                gap.fromSeq(),
                gap.toSeq(),
                gap.points());
        return InFlight.gap(first.seq(), gap, last, bytes);
    }

    private void gapAcknowledged(InFlight f) {
        pointsDropped.increment(f.gap.points());
        batchesDropped.increment(f.gap.toSeq() - f.gap.fromSeq() + 1);
        Connection c = nats.connection();
        if (c != null) {
            try {
                c.publish(Subjects.gapEvent(edgeId), EventCodec.encode(GapEvent.of(f.gap)));
            } catch (RuntimeException e) {
                LOG.debug("gap event not sent (the declaration itself is in the stream): {}", e.toString());
            }
        }
    }

    /** Publishes one attempt; false when the publish could not even be queued (then sending pauses). */
    private boolean send(InFlight f) {
        declareIfTooLarge(f);
        buffer.markSent(f.last.seq()); // before it may reach the stream: a restart must not drop it
        f.attempt++;
        f.sentAtNanos = nanoTime.getAsLong();
        long seq = f.firstSeq;
        int attempt = f.attempt;
        f.sentOn = route;
        PublishOptions options = PublishOptions.builder()
                .messageId(f.msgId)
                .expectedStream(route.stream())
                .streamTimeout(config.publishTimeout())
                .build();
        try {
            CompletableFuture<PublishAck> future = jetStream.publishAsync(route.subject(edgeId), f.payload, options);
            future.whenComplete((ack, error) -> {
                completions.offer(new Completion(seq, attempt, ack, error));
            });
            return true;
        } catch (RuntimeException e) {
            fail(f, e);
            return false;
        }
    }

    /** False once the forwarder thread ended (closed, or stopped by an unexpected error). */
    public boolean isRunning() {
        return thread.isAlive();
    }

    @Override
    public void close() {
        running = false;
        completions.offer(Completion.WAKE);
        LockSupport.unpark(thread);
        try {
            thread.join(Duration.ofSeconds(5).toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
