package io.dualhub.central.ingest;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.CommitOutcome;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.store.RestorePoint;
import io.dualhub.central.store.StoreException;
import io.dualhub.central.store.StoreMaintenance;
import io.dualhub.central.stream.StreamConflictException;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Latency;
import io.dualhub.common.wire.NewerFormatException;
import io.dualhub.common.wire.PointLimits;
import io.dualhub.hub.metrics.LatencyTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.nats.client.Connection;
import io.nats.client.ConsumeOptions;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.MessageConsumer;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 */
public final class Ingestor implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Ingestor.class);
    private static final Duration RETRY_PAUSE = Duration.ofSeconds(1);
    private static final Duration NATS_POLL = Duration.ofMillis(100);
    private static final Duration STORE_BACKOFF_MAX = Duration.ofSeconds(30);
    private static final Duration CONSUMER_CHECK = Duration.ofSeconds(5);
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
    private final Rejections rejections;
    private final ParkedMessages parked;
    private final Clock clock;
    private final Thread thread;
    private final Counter pointsStored;
    private final Counter staleMarkers;
    private final Counter batchesStored;
    private final Counter duplicates;
    private final Counter declared;
    private final Timer e2eLatency;
    private final Timer commitLatency;
    private volatile boolean running = true;
    private volatile State state = State.WAITING_FOR_NATS;
    private volatile String problem = "";
    private final Arrivals arrivals = new Arrivals(ARRIVAL_BUDGET_BYTES);
    private Dispatcher dispatcher;
    private List<MessageConsumer> consumers; // null until set up, owned by the ingest thread
    private volatile boolean reconnected;
    private int storeFailures; // consecutive, owned by the ingest thread
    private volatile long storeFailingSinceMs = -1; // when the first of them came, -1 while the store commits
    private long lastConsumerCheck = System.nanoTime();

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
        this.rejections = rejections;
        this.parked = new ParkedMessages(nats, Subjects.centralConsumer(instance), rejections);
        this.onStreamsReady = onStreamsReady;
        this.listener = listener;
        this.nats = nats;
        this.setup = setup;
        this.instance = instance;
        this.settings = settings;
        this.store = store;
        this.clock = clock;
        this.pointsStored = Counter.builder("dualhub.central.points.stored")
                .description("Points committed to the store")
                .register(meters);
        this.staleMarkers = Counter.builder("dualhub.central.stale.markers")
                .description("Staleness markers in stored batches: not stored (the store keeps samples), exported")
                .register(meters);
        this.batchesStored = Counter.builder("dualhub.central.batches.stored")
                .description("Batches committed to the store")
                .register(meters);
        this.duplicates = Counter.builder("dualhub.central.duplicates.dropped")
                .description("Batches received again and acknowledged without storing")
                .register(meters);
        this.declared = Counter.builder("dualhub.central.points.declared.dropped")
                .description("Points edges declared dropped by their overflow policy")
                .register(meters);
        this.e2eLatency = Timer.builder("dualhub.central.e2e.latency")
                .description("From the edge accepting a batch to its commit here")
                .publishPercentileHistogram()
                .register(meters);
        this.commitLatency = Timer.builder("dualhub.central.store.commit")
                .description("Duration of one store transaction")
                .publishPercentileHistogram()
                .publishPercentiles(LatencyTimers.PERCENTILES)
                .register(meters);
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
        long since = storeFailingSinceMs;
        return since < 0 ? 0 : Math.max(0, clock.millis() - since);
    }

    /** Store commit latency over the last few minutes. */
    public Latency commitLatency() {
        return LatencyTimers.latency(commitLatency);
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
                if (storeFailures++ == 0) {
                    storeFailingSinceMs = clock.millis();
                }
                LockSupport.parkNanos(storeBackoff(storeFailures).toNanos());
            } catch (Exception e) {
                stopConsuming();
                report(nats.isConnected() ? State.SETUP_FAILING : State.WAITING_FOR_NATS, e.toString());
                pause();
            }
        }
        stopConsuming();
    }

    private void step() throws Exception {
        Connection c = nats.connection();
        if (c == null || c.getStatus() != Connection.Status.CONNECTED) {
            state = State.WAITING_FOR_NATS;
            LockSupport.parkNanos(NATS_POLL.toNanos());
            return;
        }
        if (reconnected) {
            reconnected = false;
            stopConsuming();
        }
        if (consumers == null) {
            List<String> created = setup.ensure(c.jetStreamManagement(), instance);
            moveToRestorePoint(c.jetStreamManagement());
            onStreamsReady.accept(c);
            listener.streamsCreated(created);
            consume(c);
        }
        List<Message> messages = arrivals.take(settings.fetchWait(), settings.fetchBatch());
        if (messages.isEmpty()) {
            checkConsumers(c);
        }
        for (List<Message> group : CommitGroups.split(messages, Ingestor::points, MAX_POINTS_PER_COMMIT)) {
            ingest(group);
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
        storeFailures = 0;
        storeFailingSinceMs = -1;
    }

    /**
     * A store started from a backup reads the streams again from where the backed-up hub had acknowledged; the
     * restore point is forgotten only once the consumers start there (a crash in between moves them again, and
     * what is read twice is recognised as duplicates).
     */
    private void moveToRestorePoint(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        RestorePoint point = store.restorePoint();
        if (point == null) {
            return;
        }
        setup.moveTo(jsm, instance, point).forEach(LOG::warn);
        store.restorePointApplied();
        LOG.info(
                "store restored from a backup of {} taken at {}: consumers {} read the streams again from {}",
                point.source(),
                Instant.ofEpochMilli(point.takenAtMs()),
                Subjects.centralConsumer(instance),
                point.nextSeq());
    }

    /** Starts the standing pulls on both routes, delivering into {@link #arrivals} on one dispatcher thread. */
    private void consume(Connection c) throws IOException, JetStreamApiException {
        ConsumeOptions options = ConsumeOptions.builder()
                .batchSize(settings.fetchBatch())
                .batchBytes(ARRIVAL_BUDGET_BYTES)
                .expiresIn(PULL_EXPIRY.toMillis())
                .build();
        dispatcher = c.createDispatcher();
        List<MessageConsumer> started = new ArrayList<>();
        consumers = started;
        for (MetricsRoute route : MetricsRoute.values()) {
            started.add(c.getConsumerContext(route.stream(), Subjects.centralConsumer(instance))
                    .consume(options, dispatcher, m -> arrivals.put(m, () -> running)));
        }
        LOG.info(
                "ingesting from {} and {} with durable consumers {}",
                MetricsRoute.PRIMARY.stream(),
                MetricsRoute.SECONDARY.stream(),
                Subjects.centralConsumer(instance));
    }

    /** Ends the standing pulls; what has already arrived stays in {@link #arrivals} for the next commits. */
    private void stopConsuming() {
        if (consumers == null) {
            return;
        }
        for (MessageConsumer consumer : consumers) {
            try {
                consumer.close();
            } catch (Exception e) {
                LOG.debug("closing a consumer of {}: {}", Subjects.centralConsumer(instance), e.toString());
            }
        }
        consumers = null;
        Connection c = nats.connection();
        if (c != null && dispatcher != null) {
            try {
                c.closeDispatcher(dispatcher);
            } catch (RuntimeException e) {
                LOG.debug("closing the ingest dispatcher: {}", e.toString());
            }
        }
        dispatcher = null;
    }

    /**
     * A standing pull whose durable consumer was deleted (by hand, or NATS restored without it) just delivers
     * nothing; so while idle, every few seconds, check the consumers still exist, and set up again when one is gone.
     */
    private void checkConsumers(Connection c) throws IOException, JetStreamApiException {
        long now = System.nanoTime();
        if (now - lastConsumerCheck < CONSUMER_CHECK.toNanos()) {
            return;
        }
        lastConsumerCheck = now;
        List<String> gone = setup.missingConsumers(c.jetStreamManagement(), instance);
        if (!gone.isEmpty()) {
            LOG.warn("durable consumer {} is gone from {}; setting up again", Subjects.centralConsumer(instance), gone);
            stopConsuming();
        }
    }

    /** A message's point count from its header (0 for a gap declaration or a malformed message, judged later). */
    private static int points(Message m) {
        try {
            return EdgeMessage.pointCount(m.getData());
        } catch (RuntimeException e) {
            return 0;
        }
    }

    /**
     * The message as it is to be committed, or null when it is refused and terminated: not of the wire schema, or
     * naming another edge than the subject it came on (the subject is what NATS permissions bind; the payload is
     * whatever its sender wrote). A batch of this edge that arrived unusable — its points break the
     * {@link PointLimits}, or only its header can be read — is refused too, but its sequence is accounted: it is
     * committed as the hub's own {@link GapDeclaration.Reason#INVALID} declaration, so it leaves no hole that gap
     * repair would ask for again and again. Whatever goes wrong here concerns this one message only.
     */
    private EdgeMessage judge(Message m) {
        String edge = MetricsRoute.edgeOf(m.getSubject());
        EdgeMessage decoded;
        try {
            decoded = EdgeMessage.decode(m.getData());
        } catch (NewerFormatException e) {
            // Not accounted as invalid: the sequence stays a hole, which gap repair has resent once this hub reads
            // the format; held unacknowledged instead, such messages could fill ingest.max-ack-pending.
            refuse(
                    m,
                    edge,
                    Rejections.Reason.NEWER_FORMAT,
                    "a message on " + m.getSubject(),
                    e.getMessage()
                            + "; not stored and not accounted: a newer CentralHub stores it from the stream, and this one"
                            + " has it resent by gap repair once upgraded");
            return null;
        } catch (RuntimeException e) { // WireFormatException, or whatever a decoder bug would let out
            return undecodable(m, edge, e);
        }
        if (!decoded.edgeId().equals(edge)) {
            refuse(
                    m,
                    edge,
                    Rejections.Reason.EDGE_MISMATCH,
                    decoded.describe() + " on " + m.getSubject(),
                    "it names edge '" + decoded.edgeId() + "', its subject edge '" + edge + "'");
            return null;
        }
        String violation = decoded instanceof Batch b ? PointLimits.violation(b.points()) : null;
        if (violation != null) {
            Batch b = (Batch) decoded;
            rejections.reject(
                    edge,
                    Rejections.Reason.INVALID,
                    decoded.describe() + " on " + m.getSubject(),
                    violation + "; accounted as invalid, not stored");
            return GapDeclaration.invalid(
                    edge, b.incarnation(), b.seq(), b.points().size(), clock.millis());
        }
        return decoded;
    }

    /**
     * A message that does not decode: accounted as an invalid batch when its header names its edge, else terminated.
     */
    private EdgeMessage undecodable(Message m, String edge, RuntimeException error) {
        BatchCodec.Header header;
        try {
            header = BatchCodec.header(m.getData());
            GapDeclaration invalid = GapDeclaration.invalid(
                    header.edgeId(), header.incarnation(), header.seq(), header.pointCount(), clock.millis());
            if (invalid.edgeId().equals(edge)) {
                rejections.reject(
                        edge,
                        Rejections.Reason.MALFORMED,
                        "batch " + header.seq() + " on " + m.getSubject(),
                        error.getMessage() + "; accounted as invalid, not stored");
                return invalid;
            }
        } catch (RuntimeException unreadable) {
            // not even a header: nothing to account it under
        }
        refuse(m, edge, Rejections.Reason.MALFORMED, "a message on " + m.getSubject(), error.getMessage());
        return null;
    }

    private void refuse(Message m, String edge, Rejections.Reason reason, String what, String why) {
        m.term();
        rejections.reject(edge, reason, what, why);
    }

    private void ingest(List<Message> messages) {
        List<EdgeMessage> batches = new ArrayList<>(messages.size());
        List<Message> valid = new ArrayList<>(messages.size());
        int[] markers = new int[messages.size()];
        for (Message m : messages) {
            EdgeMessage decoded = judge(m);
            if (decoded instanceof Batch b) {
                markers[valid.size()] = b.staleMarkers();
                decoded = b.withoutStaleMarkers(); // exported from the stream; the store keeps samples only
            }
            if (decoded != null) {
                batches.add(decoded);
                valid.add(m);
            }
        }
        if (batches.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        List<CommitOutcome> outcomes;
        try {
            outcomes = store.commit(batches);
        } catch (StoreException e) {
            // redelivered when the retry is due, not before: each retry costs one delivery of ingest.max-deliver
            Duration retry = storeBackoff(storeFailures + 1);
            valid.forEach(m -> m.nakWithDelay(retry));
            throw e;
        }
        commitLatency.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
        long now = clock.millis();
        for (int i = 0; i < valid.size(); i++) {
            valid.get(i).ack();
            switch (outcomes.get(i)) {
                case STORED -> {
                    Batch b = (Batch) batches.get(i);
                    batchesStored.increment();
                    pointsStored.increment(b.points().size());
                    staleMarkers.increment(markers[i]);
                    e2eLatency.record(Math.max(0, now - b.createdAtMs()), TimeUnit.MILLISECONDS);
                    listener.stored(b);
                }
                case DECLARED -> declared((GapDeclaration) batches.get(i));
                case REFUSED_SERIES ->
                    refusedSeries((Batch) batches.get(i), valid.get(i).getSubject());
                default -> duplicates.increment();
            }
        }
    }

    /**
     * The pause after the n-th commit failure in a row: a failing store (a full disk is not freed in a second) is
     * retried after 1, 2, 4 ... s, at most STORE_BACKOFF_MAX.
     */
    static Duration storeBackoff(int failures) {
        return Duration.ofNanos(
                Math.min(STORE_BACKOFF_MAX.toNanos(), RETRY_PAUSE.toNanos() << Math.min(failures - 1, 5)));
    }

    /** A batch the store refused for the series it would add: accounted as invalid there, said and counted here. */
    private void refusedSeries(Batch b, String subject) {
        rejections.reject(
                b.edgeId(),
                Rejections.Reason.SERIES_LIMIT,
                "batch " + b.seq() + " on " + subject,
                "its new series would bring the edge past store.max-series-per-edge ("
                        + store.settings().maxSeriesPerEdge() + "); accounted as invalid, not stored");
        listener.declared(GapDeclaration.invalid(
                b.edgeId(), b.incarnation(), b.seq(), b.points().size(), clock.millis()));
    }

    private void declared(GapDeclaration gap) {
        listener.declared(gap);
        if (gap.reason() == GapDeclaration.Reason.INVALID) {
            return; // said by Rejections when it was judged
        }
        declared.increment(gap.points());
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
