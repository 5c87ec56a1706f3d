package io.dualhub.edge.forward;

import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.GapEvent;
import io.dualhub.common.wire.Latency;
import io.dualhub.edge.buffer.BatchPosition;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Clock;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves batches from the {@link EdgeBuffer} to JetStream. One thread owns the forwarding state: it reads batches
 * after the checkpoint into the {@link Window}, publishes them asynchronously with
 * {@code Nats-Msg-Id: <edgeId>-<incarnation>-<seq>}, and advances the checkpoint only over contiguously acknowledged
 * sequences. A failed or unanswered publish is resent, after the {@link FailurePolicy} switched routes and paused;
 * JetStream's duplicate window and the CentralHub's sequence tracking absorb the resends. Batches that will not be
 * published are declared instead ({@link OverflowDropper}). jnats' threads only hand answers back through a queue.
 *
 * <p>Each turn of the thread's loop is one {@link #runOnce}: take the answers that came, expire the publishes
 * unanswered for too long, move the checkpoint, drop what is over the limit, send. A test drives it turn by turn
 * over a fake {@link Publisher} and its own nanoTime, without the thread or a server.
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
    /** What a published message carries besides its payload (headers: Nats-Msg-Id, expected stream), at most. */
    static final int PUBLISH_OVERHEAD = 1024;

    private final EdgeBuffer buffer;
    private final Publisher publisher;
    private final String edgeId;
    private final ForwarderConfig config;
    private final LongSupplier nanoTime;
    private final FailurePolicy policy;
    private final ForwarderMetrics metrics;
    private final BlockingQueue<Completion> completions = new LinkedBlockingQueue<>();
    private final AtomicBoolean wakePending = new AtomicBoolean();
    private final Thread thread;
    private volatile boolean running = true;

    // Owned by the forwarder thread.
    private final Window window;
    private final OverflowDropper dropper;
    private EdgeBuffer.Reader reader;
    private boolean connected;
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
        this(buffer, new JetStreamPublisher(nats, config.publishTimeout()), edgeId, config, meters, clock, nanoTime);
    }

    Forwarder(
            EdgeBuffer buffer,
            Publisher publisher,
            String edgeId,
            ForwarderConfig config,
            MeterRegistry meters,
            Clock clock,
            LongSupplier nanoTime) {
        this.buffer = buffer;
        this.publisher = publisher;
        this.edgeId = edgeId;
        this.config = config;
        this.nanoTime = nanoTime;
        this.policy = new FailurePolicy(edgeId, config, nanoTime, publisher::forceReconnect);
        this.metrics = new ForwarderMetrics(meters, policy);
        this.window = new Window(config.window());
        this.dropper = new OverflowDropper(buffer, edgeId, clock);
        this.thread = new Thread(this::run, "forwarder-" + edgeId);
        this.thread.setDaemon(true);
        buffer.onAppend(this::wake);
        publisher.onReconnect(() -> completions.offer(Completion.RECONNECTED));
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
            try (EdgeBuffer.Reader r = resumeFromCheckpoint()) {
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

    /** Starts a run: an empty window and a reader right after the checkpoint, which the caller closes. */
    EdgeBuffer.Reader resumeFromCheckpoint() {
        reader = buffer.readerFromCheckpoint();
        window.clear();
        dropper.reset();
        return reader;
    }

    private void forward() throws InterruptedException {
        boolean caughtUp = false;
        while (running) {
            // Caught up with nothing in flight, only an append, a reconnect or close() can bring work, and each puts
            // a completion in the queue: an idle agent's forwarder sleeps instead of turning every IDLE_WAIT_MS, and
            // looks again after CAUGHT_UP_WAIT_MS in case a wake-up was missed.
            caughtUp = runOnce(completions.poll(caughtUp ? CAUGHT_UP_WAIT_MS : IDLE_WAIT_MS, TimeUnit.MILLISECONDS));
        }
    }

    /**
     * One turn of the loop without waiting, after {@link #resumeFromCheckpoint}; true when it is caught up (it could
     * send and nothing is in flight).
     */
    boolean runOnce() {
        return runOnce(completions.poll());
    }

    private boolean runOnce(Completion first) {
        wakePending.set(false);
        for (Completion c = first; c != null; c = completions.poll()) {
            handle(c);
        }
        expireTimedOut();
        advanceCheckpoint();
        dropper.dropOverLimit(reader, window);
        boolean sendable = canSend();
        if (sendable) {
            resendFailed();
            fillWindow();
        }
        return sendable && window.isEmpty();
    }

    private void handle(Completion c) {
        if (c == Completion.WAKE) {
            return;
        }
        if (c == Completion.RECONNECTED) {
            policy.reconnected();
            learnMaxPayload();
            return;
        }
        InFlight f = window.find(c.seq());
        if (f == null || f.acked) {
            return;
        }
        if (c.error() == null) {
            if (c.attempt() == f.attempt && f.sentAtNanos >= 0) {
                metrics.ackedAfter(nanoTime.getAsLong() - f.sentAtNanos);
            }
            f.acked = true;
            if (f.gap == null) {
                metrics.batchAcked();
            } else {
                gapAcknowledged(f.gap);
            }
            policy.succeeded();
        } else if (c.attempt() == f.attempt) {
            fail(f, c.error());
        }
    }

    /** Marks the entry for resending and tells the failure policy. */
    private void fail(InFlight f, Throwable error) {
        f.sentAtNanos = -1;
        metrics.publishFailed();
        policy.failed(f.sentOn, f.msgId, error);
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

    /**
     * Moves the checkpoint over the acknowledged entries at the head of the window. It never goes back, and never
     * releases more backlog than the buffer holds: either would mean the window and the buffer disagree.
     */
    private void advanceCheckpoint() {
        Window.Released released = window.releaseAcked();
        if (released == null) {
            return;
        }
        BatchPosition last = released.last();
        if (last.seq() <= buffer.checkpointSeq()) {
            throw new IllegalStateException(
                    "BUG: checkpoint would go back from " + buffer.checkpointSeq() + " to " + last.seq());
        }
        if (released.bytes() > buffer.unackedBytes()) {
            throw new IllegalStateException("BUG: releasing " + released.bytes() + " bytes of backlog, only "
                    + buffer.unackedBytes() + " are unacknowledged");
        }
        dropper.released(released.declaredBytes());
        buffer.checkpoint(last, released.bytes());
    }

    private boolean canSend() {
        if (!connected) {
            if (!publisher.connect()) {
                return false;
            }
            connected = true;
            learnMaxPayload();
        }
        return policy.maySend();
    }

    /**
     * Reads what the server takes in one message and has the buffer cut batches to fit; says so once (a log line
     * and /health) when {@code buffer.max-batch-bytes} does not fit.
     */
    private void learnMaxPayload() {
        OptionalLong serverMax = publisher.maxPayload();
        if (serverMax.isEmpty()) {
            return;
        }
        maxPayload = serverMax.getAsLong();
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

    /** The stream batches are being published to now (chosen by the forwarder thread only). */
    public String stream() {
        return policy.route().stream();
    }

    /** Publish-to-acknowledgement latency over the last few minutes, for heartbeats. */
    public Latency publishAckLatency() {
        return metrics.publishAckLatency();
    }

    /** CLOSED, OPEN or HALF_OPEN: for /health and heartbeats. */
    public String circuitState() {
        return policy.circuitState().name();
    }

    private void resendFailed() {
        for (InFlight f : window) {
            if (f.awaitingSend() && !send(f)) {
                return;
            }
        }
    }

    private void fillWindow() {
        while (window.hasRoom() && !policy.paused()) {
            BufferedBatch next = reader.next();
            if (next == null) {
                return;
            }
            InFlight f = InFlight.batch(edgeId, buffer.lifeOf(next.seq()), next);
            window.add(f);
            if (!send(f)) {
                return;
            }
        }
    }

    private void gapAcknowledged(GapDeclaration gap) {
        metrics.declared(gap);
        try {
            publisher.publishEvent(Subjects.gapEvent(edgeId), EventCodec.encode(GapEvent.of(gap)));
        } catch (RuntimeException e) {
            LOG.debug("gap event not sent (the declaration itself is in the stream): {}", e.toString());
        }
    }

    /** Publishes one attempt; false when the publish could not even be queued (then sending pauses). */
    private boolean send(InFlight f) {
        f.readAgain(reader);
        dropper.declareIfTooLarge(f, maxPayload);
        buffer.markSent(f.last.seq()); // before it may reach the stream: a restart must not drop it
        f.attempt++;
        f.sentAtNanos = nanoTime.getAsLong();
        long seq = f.firstSeq;
        int attempt = f.attempt;
        MetricsRoute route = policy.route();
        f.sentOn = route;
        try {
            CompletableFuture<?> future = publisher.publish(route.subject(edgeId), route.stream(), f.msgId, f.payload);
            future.whenComplete((ack, error) -> completions.offer(new Completion(seq, attempt, error)));
            f.sent();
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
