package io.dualhub.central.ingest;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.store.RestorePoint;
import io.dualhub.central.store.StoreException;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.central.stream.StreamConflictException;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.Latency;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes batches from this hub's durable consumers on both metrics routes as they arrive (a standing pull on
 * each, so a batch is committed as soon as it is there, whichever route it took), commits what has arrived to the
 * {@link MetricStore} in one transaction, and acknowledges every message only after that commit. Duplicates
 * (redeliveries, edge resends)
 * are acknowledged and counted, never stored. A message is judged by the subject it came on: one that is not a valid
 * batch, or that names another edge than its subject, is terminated alone and accounted in {@link Rejections}, so it
 * can neither block the stream nor write as another edge; a failing store stops acknowledging until it recovers.
 * The loop runs on its own ingest thread, which owns the {@link Consumers}, the {@link CommitStep} and the
 * {@link StoreBackoff}'s count; state and problem are read by /health.
 */
public final class Ingestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration NATS_POLL = Duration.ofMillis(100);
    /** Points decoded and committed in one transaction at most (see CommitGroups); about 20-40 MB of heap. */
    static final int MAX_POINTS_PER_COMMIT = 100_000;
    /** Payload bytes arrived and not yet taken by the ingest thread, at most; each route also pulls at most this. */
    static final int ARRIVAL_BUDGET_BYTES = 16 << 20;
    /**
     * How long one standing pull lasts before it is renewed. A pull lost with its server (a restart, a consumer leader
     * moving) is noticed by jnats through missed idle heartbeats (half this, alarm after three): short enough that a
     * lost pull costs seconds, long enough that an idle route costs the server one request in this time.
     */
    static final Duration PULL_EXPIRY = Duration.ofSeconds(2);

    /** What the ingest loop is doing, for /health. */
    public enum State {
        WAITING_FOR_NATS,
        RUNNING,
        STREAM_CONFLICT,
        STORE_FAILING,
        SETUP_FAILING
    }

    private final NatsLink nats;
    private final StreamSetup setup;
    private final String instance;
    private final CentralConfig.IngestSettings settings;
    private final MetricStore store;
    private final Consumer<Connection> onStreamsReady;
    private final IngestListener listener;
    private final ParkedMessages parked;
    private final IngestMetrics metrics;
    private final StoreBackoff backoff;
    private final CommitStep commits;
    private final Consumers consumers;
    private final Thread thread;
    private final Arrivals arrivals = new Arrivals(ARRIVAL_BUDGET_BYTES);
    private volatile boolean running = true;
    private volatile State state = State.WAITING_FOR_NATS;
    private volatile String problem = "";
    private volatile boolean reconnected;

    public Ingestor(
            NatsLink nats,
            StreamSetup setup,
            String instance,
            CentralConfig.IngestSettings settings,
            MetricStore store,
            Consumer<Connection> onStreamsReady,
            IngestListener listener,
            Rejections rejections,
            MeterRegistry meters,
            Clock clock) {
        this.parked = new ParkedMessages(nats, Subjects.centralConsumer(instance), rejections);
        this.onStreamsReady = onStreamsReady;
        this.listener = listener;
        this.nats = nats;
        this.setup = setup;
        this.instance = instance;
        this.settings = settings;
        this.store = store;
        this.metrics = new IngestMetrics(meters);
        this.backoff = new StoreBackoff(clock);
        this.commits = new CommitStep(
                new MessageJudge(rejections, clock),
                store::commit,
                store.settings().maxSeriesPerEdge(),
                listener,
                rejections,
                metrics,
                clock,
                System::nanoTime);
        this.consumers = new Consumers(nats, setup, instance, settings, arrivals, () -> running, System::nanoTime);
        this.thread = new Thread(this::run, "ingestor-" + instance);
        this.thread.setDaemon(true);
        // A reconnect loses the standing pulls with the old server: renew them at once, not after missed heartbeats.
        nats.onReconnect(() -> reconnected = true);
    }

    public void start() {
        parked.start();
        thread.start();
    }

    public State state() {
        return state;
    }

    public String problem() {
        return problem;
    }

    /** How long every commit has failed, without one succeeding in between; 0 while the store commits. */
    public long storeFailingForMs() {
        return backoff.failingForMs();
    }

    /** Store commit latency over the last few minutes. */
    public Latency commitLatency() {
        return metrics.commitLatency();
    }

    private void run() {
        while (running) {
            try {
                step();
            } catch (StreamConflictException e) {
                report(State.STREAM_CONFLICT, e.getMessage());
                pause();
            } catch (StoreException e) {
                report(State.STORE_FAILING, e.getMessage());
                LockSupport.parkNanos(backoff.failed().toNanos());
            } catch (Exception e) {
                consumers.stop();
                report(nats.isConnected() ? State.SETUP_FAILING : State.WAITING_FOR_NATS, e.toString());
                pause();
            }
        }
        consumers.stop();
    }

    private void step() throws Exception {
        Connection c = nats.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            state = State.WAITING_FOR_NATS;
            LockSupport.parkNanos(NATS_POLL.toNanos());
            return;
        }
        // a store reopened on its last checkpoint (its WAL set aside) got a restore point: start the consumers there
        if (reconnected || (store.restorePoint() != null && consumers.started())) {
            reconnected = false;
            consumers.stop();
        }
        if (!consumers.started()) {
            List<String> created = setup.ensure(c.jetStreamManagement(), instance);
            moveToRestorePoint(c.jetStreamManagement());
            onStreamsReady.accept(c);
            listener.streamsCreated(created);
            consumers.start(c);
        }
        List<Arrival> messages = arrivals.take(settings.fetchWait(), settings.fetchBatch());
        if (messages.isEmpty()) {
            consumers.checkWhileIdle(c);
        }
        for (List<Arrival> group : CommitGroups.split(messages, Arrival::points, MAX_POINTS_PER_COMMIT)) {
            commits.commit(group, backoff.nextRetry());
        }
        StoreMaintenance.Result maintained = store.maintainIfDue();
        if (maintained != null) {
            listener.maintained(maintained);
        }
        if (state != State.RUNNING) {
            LOG.info("ingest running");
        }
        state = State.RUNNING;
        problem = "";
        backoff.succeeded();
    }

    /**
     * A store started from a backup reads the streams again from where the backed-up hub had acknowledged, and one
     * that opened on its last checkpoint without its WAL from their start; the restore point is forgotten only once
     * the consumers start there (a crash in between moves them again, and what is read twice is recognised as
     * duplicates).
     */
    private void moveToRestorePoint(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        RestorePoint point = store.restorePoint();
        if (point == null) {
            return;
        }
        setup.moveTo(jsm, instance, point).forEach(LOG::warn);
        store.restorePointApplied();
        LOG.info(
                "store restored from {}: consumers {} read the streams again from {}",
                point.describe(),
                Subjects.centralConsumer(instance),
                point.nextSeq());
    }

    private void report(State s, String message) {
        if (state != s || !message.equals(problem)) {
            LOG.error("ingest paused ({}): {}", s, message);
        }
        state = s;
        problem = message;
    }

    private void pause() {
        LockSupport.parkNanos(RETRY_PAUSE.toNanos());
    }

    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        DaemonThreads.awaitEnd(thread);
    }
}
