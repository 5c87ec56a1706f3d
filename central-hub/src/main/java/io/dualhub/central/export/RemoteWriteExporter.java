package io.dualhub.central.export;

import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.SequenceTracker;
import io.dualhub.central.stream.ReadPositions;
import io.dualhub.common.Backoff;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.config.ShownUrl;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Exports every point of the metrics streams to one remote-write receiver, while this hub leads. One thread owns all
 * of it; {@link #status()} is the snapshot it publishes, and a pool only encodes and sends the requests it hands over.
 * A unit of work ({@link #runOnce()}) is one fetch from the target's {@link ExportFeed}: its series are dealt into
 * lanes ({@code export.parallel-requests}) and cut into requests, one request of each lane in flight, each sent until
 * the receiver takes it (so each series arrives in order); meanwhile this thread fetches and cuts the next unit. Only
 * once every request of a unit is taken are its messages acknowledged, so the consumers' acknowledgements are the
 * checkpoint: a crash, a kill -9 or
 * a change of leader between a receiver's 2xx and the acknowledgement sends those requests again (receivers
 * deduplicate them: see docs/operations.md), and nothing acknowledged was not received.
 *
 * <p>What {@link RemoteWriteClient.Answer#retryable()} calls the receiver's or the configuration's trouble (no
 * answer, 5xx, 408, 429, 401, 403, 404) is retried with backoff and jitter for as long as this hub leads (durable data
 * is never given up; the unit's messages are kept from redelivery meanwhile). Any other 4xx is permanent for what it
 * refused: a request of several series is split in halves and each sent on its own, so one bad series cannot hold back
 * the rest; a single series refused is counted by code and kept in the status with its range, and its messages
 * acknowledged like the rest. A batch the streams carry twice (an edge resending it) is exported once while this
 * hub leads ({@link SequenceTracker} per edge and incarnation, in memory only).
 *
 * <p>A receiver that buffers in memory loses what it took in its last seconds when it crashes (VictoriaMetrics does,
 * on kill -9), and the hub that sent it may be gone too. So when this hub starts exporting, and when a receiver takes
 * a request again after failing, everything the streams got in {@code export.replay-window} before that is sent
 * again first (a replay: read apart from the durable consumers, acknowledging nothing).
 *
 * <p>Every {@link #PENDING_POLL} the exporter also reconciles what it handled with what this hub's store holds
 * ({@link ExportReconciler}): a consumer can move past messages it never delivers again (a nats-server bug), and what
 * the store holds but the export never got is replayed the same way.
 */
public final class RemoteWriteExporter implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RemoteWriteExporter.class);
    private static final Duration MIN_BACKOFF = Duration.ofMillis(100);
    private static final Duration STANDBY_POLL = Duration.ofMillis(250);
    private static final Duration FETCH_WAIT = Duration.ofSeconds(1);
    private static final Duration PENDING_POLL = Duration.ofSeconds(5);
    private static final int FETCH_MESSAGES = 1000;
    /**
     * A unit's size in message bytes a route, about (so up to twice that a unit): two units are held at once (the one
     * in flight and the next), with their requests' samples. At 8 MiB (the bench's export on a 256 MiB heap) they
     * outgrew the young generation's survivors, so every young collection promoted tens of MB that died soon after
     * (60-170 ms pauses, a full collection every few); at 2 MiB a young collection promotes about 2 MB and pauses
     * about 10 ms.
     */
    private static final int FETCH_BYTES = 2 << 20;

    private static final int REFUSALS_KEPT = 20;
    /** The playbook name of refusals in the audit ({@code /api/v1/recovery}). */
    public static final String AUDIT_PLAYBOOK = "export-refused";

    /** What the exporter is doing. */
    public enum State {
        STANDBY,
        WAITING_FOR_NATS,
        IDLE,
        EXPORTING,
        REPLAYING,
        FAILING
    }

    /**
     * A request (or the part of one) the receiver refused for good.
     *
     * @param atMs    when
     * @param code    the receiver's HTTP status
     * @param message the start of its answer
     * @param series  the series, as Prometheus writes one
     * @param fromMs  its first sample's timestamp
     * @param toMs    its last sample's timestamp
     * @param samples how many samples of it were refused
     */
    public record Refusal(long atMs, int code, String message, String series, long fromMs, long toMs, int samples) {}

    /**
     * What {@code GET /api/v1/export} shows of a target.
     *
     * @param url             where it is, without credentials
     * @param consumer        the durable consumers' name on both metrics streams (the export's checkpoint)
     * @param state           what the exporter is doing
     * @param samplesExported samples the receiver took since this hub started
     * @param lastExportMs    when it last took a request (0: not since start)
     * @param lagSeconds      age of the oldest message not yet exported (0 when none is held)
     * @param pendingMessages messages of the streams not yet exported (checked every 5 s while leading; -1: unknown)
     * @param failingSinceMs  since when every attempt failed (0 while it takes requests)
     * @param lastError       why the last attempt failed
     * @param refusedSamples  samples refused for good since start
     * @param refusals        the last refusals
     */
    public record ExportStatus(
            String url,
            String consumer,
            State state,
            long samplesExported,
            long lastExportMs,
            double lagSeconds,
            long pendingMessages,
            long failingSinceMs,
            String lastError,
            long refusedSamples,
            List<Refusal> refusals) {}

    /** Waits between attempts; tests pass one that advances their clock. */
    @FunctionalInterface
    interface Sleeper {
        void sleep(Duration d) throws InterruptedException;
    }

    private enum Outcome {
        DONE,
        LOST_LEADERSHIP
    }

    private final String shown;
    private final ExportSettings settings;
    private final ExportFeed feed;
    private final RemoteWriteClient client;
    private final BooleanSupplier leads;
    private final Clock clock;
    private final Sleeper sleeper;
    private final MeterRegistry meters;
    private final Consumer<RecoveryAction> audit;
    private final String instance;
    private final WriteRequestEncoder encoder = new WriteRequestEncoder(); // this thread's
    // one per thread of the pool: a request still being encoded when its unit was given up (leadership lost) cannot
    // share an encoder with the next unit's
    private final ThreadLocal<WriteRequestEncoder> poolEncoders = ThreadLocal.withInitial(WriteRequestEncoder::new);
    private final Executor encoding;
    private final Supplier<Collection<EdgeStoreState>> stored;
    private final ExportReconciler reconciler = new ExportReconciler();
    private final Map<String, SequenceTracker> exported = new HashMap<>(); // edge/incarnation -> batches exported
    private final Deque<Refusal> refusals = new ArrayDeque<>();
    private final Counter samples;
    private final Counter replayed;
    private final Counter unexported;
    private final Map<String, Counter> failures = new HashMap<>();
    private final Map<Integer, Counter> refused = new HashMap<>();
    private final Thread thread;
    private volatile List<Message> held = List.of(); // the unit being exported, and the next one once fetched
    private Unit next; // fetched while the unit before it was in flight, or null
    private volatile long heldSinceMs; // publish time of the oldest held message
    private long lastTouchMs;
    private boolean leading; // whether the last unit ran as leader
    private long replayFromMs = -1; // a replay to start from there, -1 for none
    private ExportReplay replay; // the replay under way, or null
    private long replaySinceMs; // where it started
    private long lastPendingPollMs = Long.MIN_VALUE / 2; // long before any clock: the first unit polls
    private volatile long refusedSamples; // written by the exporter thread only
    private volatile boolean running = true;
    private volatile State state = State.STANDBY;
    private volatile long failingSinceMs;
    private volatile long lastExportMs;
    private volatile long pending = -1;
    private volatile String lastError = "";
    private volatile List<Refusal> shownRefusals = List.of();

    RemoteWriteExporter(
            URI url,
            ExportSettings settings,
            ExportFeed feed,
            RemoteWriteClient client,
            Executor encoding,
            BooleanSupplier leads,
            Supplier<Collection<EdgeStoreState>> stored,
            MeterRegistry meters,
            Consumer<RecoveryAction> audit,
            String instance,
            Clock clock,
            Sleeper sleeper) {
        this.shown = ShownUrl.of(url);
        this.audit = audit;
        this.instance = instance;
        this.settings = settings;
        this.feed = feed;
        this.client = client;
        this.encoding = encoding;
        this.leads = leads;
        this.stored = stored;
        this.clock = clock;
        this.sleeper = sleeper;
        this.meters = meters;
        this.samples = Counter.builder("dualhub.central.export.samples")
                .description("Samples a remote-write receiver took")
                .tag("target", shown)
                .register(meters);
        this.replayed = Counter.builder("dualhub.central.export.replayed.samples")
                .description("Samples sent again to a receiver that may have lost them (export.replay-window)")
                .tag("target", shown)
                .register(meters);
        this.unexported = Counter.builder("dualhub.central.export.unexported.batches")
                .description("Batches the hub stored that the export never got and the streams no longer held")
                .tag("target", shown)
                .register(meters);
        Gauge.builder("dualhub.central.export.lag.seconds", this, RemoteWriteExporter::lagSeconds)
                .description("Age of the oldest message not yet exported to the target (0 when caught up)")
                .tag("target", shown)
                .register(meters);
        Gauge.builder("dualhub.central.export.pending.messages", this, e -> e.pending)
                .description("Messages of the metrics streams not yet exported to the target (-1: unknown)")
                .tag("target", shown)
                .register(meters);
        this.thread = DaemonThreads.thread("export-" + feed.durable(), this::run);
    }

    public void start() {
        thread.start();
    }

    private void run() {
        while (running) {
            try {
                if (!runOnce()) {
                    sleeper.sleep(STANDBY_POLL);
                }
            } catch (InterruptedException e) {
                return;
            } catch (IOException | JetStreamApiException | RuntimeException e) {
                // NATS went away or a consumer is gone: what is held is redelivered; check the consumers again
                lastError = "NATS: " + e.getMessage();
                LOG.warn("export to {}: {}; trying again", shown, e.toString());
                feed.recheck();
                held = List.of();
                next = null;
                try {
                    sleeper.sleep(Duration.ofSeconds(1));
                } catch (InterruptedException ie) {
                    return;
                }
            }
        }
    }

    /**
     * One unit: fetch, export, acknowledge. Returns false when there was nothing to do (not leading, NATS not
     * connected); true when it fetched, whether or not anything came.
     */
    boolean runOnce() throws IOException, JetStreamApiException, InterruptedException {
        if (!leads.getAsBoolean()) {
            giveBackNext();
            state = State.STANDBY;
            pending = -1;
            failingSinceMs = 0; // a standby does not export, so it is not failing (nor alerting about it)
            leading = false;
            replay = null;
            replayFromMs = -1;
            return false;
        }
        if (!feed.ready()) {
            next = null; // NATS redelivers what was held, to whichever hub leads
            held = List.of();
            state = State.WAITING_FOR_NATS;
            return false;
        }
        if (!leading) {
            leading = true;
            reconciler.reset(stored.get());
            replayAfter(clock.millis()); // what the last exporting hub sent in its last seconds
        }
        pollPending();
        if (replayFromMs >= 0 || replay != null) {
            return replayOnce();
        }
        Unit unit = next != null ? next : unit(feed.fetch(FETCH_MESSAGES, FETCH_BYTES, FETCH_WAIT), Set.of());
        next = null;
        if (unit.messages().isEmpty()) {
            state = State.IDLE;
            return true;
        }
        hold(unit.messages());
        if (deliverLanes(unit.lanes(), samples, () -> fetchNext(unit)) == Outcome.LOST_LEADERSHIP) {
            for (Message m : unit.messages()) {
                m.nak(); // the new leader gets them at once, not after the ack wait
            }
            giveBackNext();
            held = List.of();
            state = State.STANDBY;
            return true;
        }
        for (Exported e : unit.exports()) {
            tracker(e.key()).record(e.seq());
        }
        handled(unit.handled());
        for (Message m : unit.messages()) {
            m.ack();
        }
        hold(next == null ? List.of() : next.messages());
        state = State.EXPORTING;
        return true;
    }

    /** A batch a unit exports: its edge and incarnation ({@link #key}) and its sequence. */
    private record Exported(String key, long seq) {}

    /**
     * A unit fetched and cut into lanes: its messages, the batch sequences they account for, the batches it exports
     * (each once, none exported already) and their requests. It keeps no decoded point: while its requests are in
     * flight it holds their samples and its messages' bytes, and the points die young.
     */
    private record Unit(
            List<Message> messages,
            List<ExportReconciler.Handled> handled,
            List<Exported> exports,
            List<List<List<ExportSeries>>> lanes) {}

    /** The unit of {@code messages}, leaving out the batches exported already and those of {@code inFlight}. */
    private Unit unit(List<Message> messages, Set<Exported> inFlight) {
        List<Carried> carried = carried(messages);
        List<Carried> batches = batchesOf(carried, true, inFlight);
        List<Exported> exports = new ArrayList<>(batches.size());
        batches.forEach(
                c -> exports.add(new Exported(key(c.header()), c.header().seq())));
        return new Unit(messages, handledOf(carried), exports, lanes(batches));
    }

    /**
     * While {@code current}'s requests are in flight: fetches what is there now and cuts it into the next unit, so
     * this thread prepares it instead of waiting. Its batches that {@code current} exports are left out (they are
     * recorded as exported only once {@code current} is taken). Its messages are held from then on.
     */
    private void fetchNext(Unit current) throws InterruptedException {
        List<Message> messages;
        try {
            messages = feed.fetchNow(FETCH_MESSAGES, FETCH_BYTES);
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            // the current unit is half sent: it goes on and is acknowledged or given back on its own terms (given up
            // now, it would come back after newer points and be refused as out of order); the next fetch tries again
            LOG.warn("export to {}: fetching the next unit: {}", shown, e.toString());
            feed.recheck();
            return;
        }
        if (messages.isEmpty()) {
            return;
        }
        next = unit(messages, Set.copyOf(current.exports()));
        List<Message> both = new ArrayList<>(current.messages());
        both.addAll(messages);
        hold(both);
    }

    /**
     * Hands the next unit's messages back to JetStream, for whichever hub leads next; then nothing is held (the unit
     * before it was acknowledged or given back already).
     */
    private void giveBackNext() {
        if (next != null) {
            next.messages().forEach(Message::nak);
            next = null;
        }
        held = List.of();
    }

    /** Asks for a replay of what was published in the replay window before {@code troubleMs}. */
    private void replayAfter(long troubleMs) {
        if (!settings.replayWindow().isZero()) {
            replayFrom(troubleMs - settings.replayWindow().toMillis());
        }
    }

    /** Asks for a replay of what was published from {@code fromMs} (and not covered yet by one under way). */
    private void replayFrom(long fromMs) {
        long from = fromMs;
        if (replay != null) {
            from = Math.min(from, replaySinceMs); // what the replay under way has not covered yet, again
            replay = null;
        }
        replayFromMs = replayFromMs < 0 ? from : Math.min(replayFromMs, from);
    }

    /** One unit of the replay: sent like any, acknowledging nothing and left out of the duplicate tracking. */
    private boolean replayOnce() throws IOException, JetStreamApiException, InterruptedException {
        if (replay == null) {
            replay = feed.replay(replayFromMs);
            replaySinceMs = replayFromMs;
            replayFromMs = -1;
        }
        List<ExportReplay.Replayed> messages = replay.next(FETCH_MESSAGES, FETCH_BYTES);
        if (messages.isEmpty()) {
            replay = null;
            return true;
        }
        state = State.REPLAYING;
        ExportReplay current = replay;
        List<Carried> unit = new ArrayList<>(messages.size());
        for (ExportReplay.Replayed m : messages) {
            unit.add(carried(m.subject(), m.data(), m.atMs()));
        }
        if (deliverLanes(lanes(batchesOf(unit, false, Set.of())), replayed, () -> {}) == Outcome.LOST_LEADERSHIP) {
            replay = null;
            state = State.STANDBY;
            return true;
        }
        handled(handledOf(unit));
        if (replay != current) {
            LOG.info("export to {}: the receiver failed while replaying; replaying again", shown);
        }
        return true;
    }

    /**
     * What a message carried: the batch sequences it accounts for (null when it is not an edge's batch or
     * declaration of its own subject), and the header and bytes of the batch to export (null when it is no batch).
     * A batch is read only as far as its header here; its points are read straight into the requests, and one the
     * hubs do not store (a point breaks the limits) adds none ({@link ExportRequests}).
     */
    private record Carried(
            ExportReconciler.Handled handled, BatchCodec.Header header, ExportRequests.ExportBatch batch) {}

    private static List<Carried> carried(List<Message> messages) {
        List<Carried> carried = new ArrayList<>(messages.size());
        for (Message m : messages) {
            carried.add(carried(m));
        }
        return carried;
    }

    private static Carried carried(Message m) {
        return carried(
                m.getSubject(),
                m.getData(),
                m.metaData().timestamp().toInstant().toEpochMilli());
    }

    /** What a message of {@code subject} published at {@code atMs} carried, its bytes {@code data}. */
    private static Carried carried(String subject, byte[] data, long atMs) {
        try {
            String edge = MetricsRoute.edgeOf(subject);
            if (EdgeMessage.isGapDeclaration(data)) {
                GapDeclaration g = GapCodec.decode(data);
                // gap declarations carry no points
                return g.edgeId().equals(edge)
                        ? new Carried(
                                new ExportReconciler.Handled(edge, g.incarnation(), g.fromSeq(), g.toSeq(), atMs),
                                null,
                                null)
                        : new Carried(null, null, null);
            }
            BatchCodec.Header b = BatchCodec.header(data);
            Batch.requireHeader(b.edgeId(), b.incarnation(), b.seq());
            // what the Ingestor stores: a batch of the subject's edge (else it is refused, counted and audited there)
            if (b.edgeId().equals(edge)) {
                return new Carried(
                        new ExportReconciler.Handled(edge, b.incarnation(), b.seq(), b.seq(), atMs),
                        b,
                        new ExportRequests.ExportBatch(edge, data));
            }
        } catch (RuntimeException e) {
            // undecodable or of a newer format: the Ingestor refuses and accounts it; nothing to export
        }
        return new Carried(null, null, null);
    }

    /**
     * The batches of a unit that the hubs store, each once (both routes may carry one), without those of
     * {@code inFlight} (edge/incarnation/seq); without those exported already while this hub led when
     * {@code skipExported}.
     */
    private List<Carried> batchesOf(List<Carried> unit, boolean skipExported, Set<Exported> inFlight) {
        List<Carried> batches = new ArrayList<>();
        Set<Exported> inUnit = new HashSet<>(inFlight);
        for (Carried c : unit) {
            BatchCodec.Header b = c.header();
            if (b != null
                    && !(skipExported && tracker(key(b)).isDuplicate(b.seq()))
                    && inUnit.add(new Exported(key(b), b.seq()))) {
                batches.add(c);
            }
        }
        return batches;
    }

    private static List<ExportReconciler.Handled> handledOf(List<Carried> unit) {
        List<ExportReconciler.Handled> handled = new ArrayList<>(unit.size());
        for (Carried c : unit) {
            if (c.handled() != null) {
                handled.add(c.handled());
            }
        }
        return handled;
    }

    /** Tells the reconciler what a unit sent (or found nothing to send in), once the receiver took it. */
    private void handled(List<ExportReconciler.Handled> unit) {
        unit.forEach(reconciler::handled);
    }

    private SequenceTracker tracker(String key) {
        return exported.computeIfAbsent(key, k -> new SequenceTracker(0, List.of()));
    }

    private static String key(BatchCodec.Header b) {
        return b.edgeId() + "/" + b.incarnation();
    }

    private void hold(List<Message> messages) {
        held = messages;
        long oldest = Long.MAX_VALUE;
        for (Message m : messages) {
            oldest = Math.min(oldest, m.metaData().timestamp().toInstant().toEpochMilli());
        }
        heldSinceMs = oldest;
        lastTouchMs = clock.millis();
    }

    private List<List<List<ExportSeries>>> lanes(List<Carried> batches) {
        return ExportRequests.lanes(
                batches.stream().map(Carried::batch).toList(), settings.maxSamples(), settings.parallelRequests());
    }

    /**
     * A request on its way: its lane, what it holds, its body, and the receiver's answer once it came, and whether the
     * lane's next request went out on its own ({@link Lane#answered}); or why it could not be sent (a bug: encoding
     * or sending threw).
     */
    private record InFlight(
            Lane lane,
            List<ExportSeries> request,
            byte[] body,
            RemoteWriteClient.Answer answer,
            boolean nextSent,
            Throwable failure) {}

    /** What this thread does once a unit's first requests are on their way, instead of waiting for them. */
    @FunctionalInterface
    private interface Meanwhile {
        void run() throws InterruptedException;
    }

    /**
     * One lane of a unit: its requests in the order they are to be sent, one in flight at a time. Whoever holds the
     * lane's one request in flight moves it on, so its requests are taken in turn by one thread after another, never
     * by two at once: the pool thread that got a 2xx sends the lane's next request at once, while this exporter
     * thread may be busy meanwhile; anything else (an answer to settle, a lane to end) goes to the exporter thread.
     */
    private final class Lane {
        private final Iterator<List<ExportSeries>> requests;
        private final BlockingQueue<InFlight> answered;
        private final AtomicBoolean stopped;

        Lane(List<List<ExportSeries>> requests, BlockingQueue<InFlight> answered, AtomicBoolean stopped) {
            this.requests = requests.iterator();
            this.answered = answered;
            this.stopped = stopped;
        }

        boolean hasNext() {
            return requests.hasNext();
        }

        /** Encodes the lane's next request on the encoding pool and sends it; the answer comes through the queue. */
        void sendNext() {
            List<ExportSeries> request = requests.next();
            CompletableFuture.supplyAsync(() -> poolEncoders.get().encode(request), encoding)
                    .thenCompose(body -> client.send(body).thenApply(answer -> answered(request, body, answer)))
                    .whenComplete((sent, failure) -> answered.add(
                            failure == null ? sent : new InFlight(this, request, null, null, false, failure)));
        }

        private InFlight answered(List<ExportSeries> request, byte[] body, RemoteWriteClient.Answer answer) {
            boolean goOn = answer.accepted() && requests.hasNext() && !stopped.get() && leads.getAsBoolean();
            if (goOn) {
                sendNext();
            }
            return new InFlight(this, request, body, answer, goOn, null);
        }
    }

    /**
     * Sends a unit's lanes ({@link ExportRequests#lanes}) with one request of each lane in flight, until every
     * request is taken or refused for good; once the first are on their way, does {@code meanwhile}. Each answer is
     * accounted here in turn; one that is not a 2xx is dealt with here ({@link #settle}) before its lane goes on.
     */
    private Outcome deliverLanes(List<List<List<ExportSeries>>> lanes, Counter taken, Meanwhile meanwhile)
            throws InterruptedException {
        BlockingQueue<InFlight> answered = new LinkedBlockingQueue<>();
        // set once this returns: a lane goes on by itself after that at most with the one request whose 2xx was being
        // taken just then (its unit given back, so sent again later: a receiver keeps one of each sample)
        AtomicBoolean stopped = new AtomicBoolean();
        try {
            int requests = 0;
            for (List<List<ExportSeries>> requestsOfLane : lanes) {
                requests += requestsOfLane.size();
                Lane lane = new Lane(requestsOfLane, answered, stopped);
                if (lane.hasNext()) {
                    if (!leads.getAsBoolean()) {
                        return Outcome.LOST_LEADERSHIP;
                    }
                    lane.sendNext();
                }
            }
            if (requests > 0) {
                meanwhile.run();
            }
            for (; requests > 0; requests--) {
                InFlight done = nextAnswer(answered);
                if (done.failure() != null) {
                    throw new IllegalStateException("BUG: a request could not be encoded or sent", done.failure());
                }
                if (settle(done.request(), done.body(), done.answer(), taken) == Outcome.LOST_LEADERSHIP) {
                    return Outcome.LOST_LEADERSHIP; // what is still in flight may be taken: sent again, deduplicated
                }
                if (!done.nextSent() && done.lane().hasNext()) {
                    if (!leads.getAsBoolean()) {
                        return Outcome.LOST_LEADERSHIP;
                    }
                    done.lane().sendNext();
                }
            }
            return Outcome.DONE;
        } finally {
            stopped.set(true);
        }
    }

    /** The next answer to come, keeping the held unit alive meanwhile. */
    private InFlight nextAnswer(BlockingQueue<InFlight> answered) throws InterruptedException {
        for (; ; ) {
            keepHeldAlive();
            InFlight done = answered.poll(touchEveryMs(), TimeUnit.MILLISECONDS);
            if (done != null) {
                return done;
            }
        }
    }

    /** Sends one request on this thread until it is taken or refused for good. */
    private Outcome deliver(List<ExportSeries> request, Counter taken) throws InterruptedException {
        if (!leads.getAsBoolean()) {
            return Outcome.LOST_LEADERSHIP;
        }
        byte[] body = encoder.encode(request);
        return settle(request, body, answerTo(body), taken);
    }

    /**
     * Acts on the receiver's answer to a request: counts it when taken; otherwise sends it again with backoff while
     * the answer is retryable, or splits it to find what it refused for good.
     */
    private Outcome settle(List<ExportSeries> request, byte[] body, RemoteWriteClient.Answer first, Counter taken)
            throws InterruptedException {
        RemoteWriteClient.Answer answer = first;
        for (int attempt = 0; !answer.accepted(); attempt++) {
            failure(answer);
            if (!answer.retryable()) {
                return refused(request, answer, taken);
            }
            if (failingSinceMs == 0) {
                failingSinceMs = clock.millis();
            }
            state = State.FAILING;
            pause(backoff(attempt, answer.retryAfterSeconds()));
            if (!leads.getAsBoolean()) {
                return Outcome.LOST_LEADERSHIP;
            }
            answer = answerTo(body);
        }
        taken.increment(ExportRequests.samples(request));
        lastExportMs = clock.millis();
        if (failingSinceMs != 0) {
            replayAfter(failingSinceMs); // it may have restarted and lost what it took before
            failingSinceMs = 0;
        }
        return Outcome.DONE;
    }

    /** Sends a body and waits for its answer, keeping the held unit alive meanwhile. */
    private RemoteWriteClient.Answer answerTo(byte[] body) throws InterruptedException {
        CompletableFuture<RemoteWriteClient.Answer> answer = client.send(body);
        for (; ; ) {
            keepHeldAlive();
            try {
                return answer.get(touchEveryMs(), TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                // still waiting
            } catch (ExecutionException e) {
                throw new IllegalStateException("BUG: a remote-write send completes with an answer, never fails", e);
            }
        }
    }

    private Outcome refused(List<ExportSeries> request, RemoteWriteClient.Answer answer, Counter taken)
            throws InterruptedException {
        if (request.size() > 1) {
            int half = request.size() / 2;
            Outcome first = deliver(request.subList(0, half), taken);
            return first == Outcome.DONE ? deliver(request.subList(half, request.size()), taken) : first;
        }
        ExportSeries s = request.get(0);
        Refusal r = new Refusal(
                clock.millis(),
                answer.status(),
                answer.message(),
                s.describe(),
                s.firstTimestampMs(),
                s.lastTimestampMs(),
                s.sampleCount());
        LOG.warn(
                "export to {}: the receiver refused {} samples of {} from {} to {} for good (HTTP {}: {})",
                shown,
                r.samples(),
                r.series(),
                r.fromMs(),
                r.toMs(),
                r.code(),
                r.message());
        refused.computeIfAbsent(
                        answer.status(),
                        code -> Counter.builder("dualhub.central.export.refused.samples")
                                .description(
                                        "Samples a remote-write receiver refused for good (a 4xx that is not retried)")
                                .tag("target", shown)
                                .tag("code", Integer.toString(code))
                                .register(meters))
                .increment(r.samples());
        refusedSamples += r.samples();
        long now = clock.millis();
        audit.accept(RecoveryAction.begin(
                        AUDIT_PLAYBOOK,
                        s.edge(),
                        "refused " + r.samples() + " samples of " + r.series() + " from "
                                + Instant.ofEpochMilli(r.fromMs()) + " to " + Instant.ofEpochMilli(r.toMs()) + " by "
                                + shown,
                        "HTTP " + r.code() + ": " + r.message(),
                        now,
                        instance)
                .then(RecoveryAction.DONE, "not exported to " + shown + "; stored by the hubs", now, instance));
        refusals.addLast(r);
        if (refusals.size() > REFUSALS_KEPT) {
            refusals.removeFirst();
        }
        shownRefusals = List.copyOf(refusals);
        failingSinceMs = 0; // the receiver answers: it is not failing
        return Outcome.DONE;
    }

    private void failure(RemoteWriteClient.Answer answer) {
        lastError = answer.status() == 0 ? answer.message() : "HTTP " + answer.status() + ": " + answer.message();
        failures.computeIfAbsent(
                        answer.code(),
                        code -> Counter.builder("dualhub.central.export.failures")
                                .description(
                                        "Remote-write requests a receiver did not take, by HTTP status (or timeout)")
                                .tag("target", shown)
                                .tag("code", code)
                                .register(meters))
                .increment();
    }

    /** 100 ms doubling to the maximum, each with jitter down to half; a receiver's Retry-After, if longer. */
    private Duration backoff(int attempt, long retryAfterSeconds) {
        Duration jittered = Backoff.jittered(MIN_BACKOFF, settings.maxBackoff(), attempt);
        long retryAfter = Math.min(settings.maxBackoff().toMillis(), retryAfterSeconds * 1000);
        return jittered.toMillis() >= retryAfter ? jittered : Duration.ofMillis(retryAfter);
    }

    /** Waits {@code d}, keeping the held messages from redelivery; returns early when leadership is lost. */
    private void pause(Duration d) throws InterruptedException {
        long end = clock.millis() + d.toMillis();
        for (long now = clock.millis(); now < end && leads.getAsBoolean(); now = clock.millis()) {
            sleeper.sleep(Duration.ofMillis(Math.min(end - now, touchEveryMs())));
            keepHeldAlive();
        }
    }

    /** Tells JetStream the held unit is being worked on, at most every third of the ack wait. */
    private void keepHeldAlive() {
        if (clock.millis() - lastTouchMs >= touchEveryMs()) {
            held.forEach(Message::inProgress);
            lastTouchMs = clock.millis();
        }
    }

    private long touchEveryMs() {
        return Math.max(1, ExportSettings.ACK_WAIT.toMillis() / 3);
    }

    /** Every {@link #PENDING_POLL}: how many messages are pending, and the reconciliation with the store. */
    private void pollPending() {
        long now = clock.millis();
        if (now - lastPendingPollMs < PENDING_POLL.toMillis()) {
            return;
        }
        lastPendingPollMs = now;
        try {
            // the store first: whatever it holds was in the streams before the consumers' positions are read
            List<ExportReconciler.Missing> missing = reconciler.missing(stored.get());
            ReadPositions positions = feed.positions();
            pending = positions.pending();
            reconcile(missing, positions.ackFloors(), missing.isEmpty() ? null : feed.streamEnds());
        } catch (IOException | JetStreamApiException | RuntimeException e) {
            LOG.warn("export to {}: cannot tell what is pending: {}", shown, e.toString());
            pending = -1;
        }
    }

    private void reconcile(List<ExportReconciler.Missing> missing, long[] ackFloors, long[] ends) {
        ExportReconciler.Verdict v =
                reconciler.judge(missing, ackFloors, ends, replay == null && replayFromMs < 0, clock.millis());
        if (v.replayFromMs() >= 0) {
            LOG.warn(
                    "export to {}: the store holds batches the export never got ({}); replaying the streams from {}",
                    shown,
                    String.join(
                            "; ",
                            v.replayed().stream()
                                    .map(m -> m.edge() + " " + m.describe())
                                    .toList()),
                    Instant.ofEpochMilli(v.replayFromMs()));
            replayFrom(v.replayFromMs());
        }
        for (ExportReconciler.Missing m : v.givenUp()) {
            LOG.warn(
                    "export to {}: batches {} of edge {} are stored here but were never exported, and the streams no "
                            + "longer hold them; not exported",
                    shown,
                    m.describe(),
                    m.edge());
            unexported.increment(m.batches());
        }
    }

    /** How long every attempt has failed, 0 while the receiver takes requests. */
    public long failingForMs() {
        long since = failingSinceMs;
        return since == 0 ? 0 : Math.max(1, clock.millis() - since);
    }

    public String target() {
        return shown;
    }

    /** Age of the oldest message of the unit in work, 0 when none is held. */
    private double lagSeconds() {
        return held.isEmpty() ? 0 : Math.max(0, clock.millis() - heldSinceMs) / 1000.0;
    }

    public ExportStatus status() {
        return new ExportStatus(
                shown,
                feed.durable(),
                state,
                (long) samples.count(),
                lastExportMs,
                lagSeconds(),
                pending,
                failingSinceMs,
                lastError,
                refusedSamples,
                shownRefusals);
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        DaemonThreads.awaitEnd(thread);
    }
}
