package io.dualhub.edge;

import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Subjects;
import io.dualhub.common.lifecycle.Components;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.BufferFullException;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.edge.buffer.RetentionSweeper;
import io.dualhub.edge.collect.HostCollector;
import io.dualhub.edge.command.CommandHandler;
import io.dualhub.edge.command.LostDeclarations;
import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.edge.forward.Forwarder;
import io.dualhub.edge.heartbeat.HeartbeatPublisher;
import io.dualhub.edge.ingest.SeriesLimit;
import io.dualhub.edge.ingest.SeriesLimitException;
import io.dualhub.edge.scrape.Scraper;
import io.dualhub.edge.scrape.TargetFileStatus;
import io.dualhub.edge.scrape.TargetStatus;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.InetAddress;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge agent without its HTTP layer: the buffer every point enters, the forwarder that drains it to
 * JetStream, and the scheduled host collection, scraping, heartbeat and retention sweep.
 */
public final class EdgeAgent implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(EdgeAgent.class);
    public static final String VERSION = EdgeAgent.class.getPackage().getImplementationVersion() == null
            ? "dev"
            : EdgeAgent.class.getPackage().getImplementationVersion();

    private final EdgeConfig config;
    private final EdgeBuffer buffer;
    private final NatsLink nats;
    private final Forwarder forwarder;
    private final HeartbeatPublisher heartbeat;
    private final ScheduledExecutorService scheduler;
    private final Counter pointsAccepted;
    private final Counter batchesAppended;
    private final Counter collectSkipped;
    private final Clock clock;
    private final SeriesLimit seriesLimit;
    private final Scraper scraper;
    private final Components parts;

    /**
     * Builds the agent; opens the buffer and the NATS link (in the background), and closes both again when a later
     * part cannot be built.
     */
    public EdgeAgent(EdgeConfig config, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.parts = new Components("edge " + config.id());
        try {
            this.buffer = parts.opened("buffer", new EdgeBuffer(config.dataDir(), config.id(), clock, config.buffer()));
            this.seriesLimit = new SeriesLimit(config.maxSeries(), config.seriesWindow(), clock);
            this.nats = parts.opened(
                    "NATS",
                    NatsLink.open(
                            config.nats().withInboxPrefix(Subjects.edgeInbox(config.id())),
                            "dualhub-edge-" + config.id()));
            this.forwarder =
                    new Forwarder(buffer, nats, config.id(), config.forward(), meters, clock, System::nanoTime);
            this.heartbeat = new HeartbeatPublisher(config.id(), VERSION, hostName(), buffer, nats, forwarder, clock);
            this.pointsAccepted = Counter.builder("dualhub.edge.points.accepted")
                    .description("Points durably appended to the edge buffer")
                    .register(meters);
            this.batchesAppended = Counter.builder("dualhub.edge.batches.appended")
                    .description("Batches appended to the edge buffer")
                    .register(meters);
            this.collectSkipped = Counter.builder("dualhub.edge.collect.skipped")
                    .description("Host collection cycles refused by a full buffer")
                    .register(meters);
            Gauge.builder("dualhub.edge.series", seriesLimit, SeriesLimit::size)
                    .description("Series taken in the current ingest.series-window (ingest.max-series at most)")
                    .register(meters);
            Gauge.builder("dualhub.edge.backlog.bytes", buffer, EdgeBuffer::unackedBytes)
                    .description("Bytes of batches appended and not yet acknowledged")
                    .register(meters);
            Gauge.builder("dualhub.edge.backlog.batches", buffer, EdgeBuffer::backlog)
                    .description("Batches appended and not yet acknowledged by JetStream")
                    .register(meters);
            this.scheduler = DaemonThreads.scheduler("edge-scheduler");
            this.scraper = config.scrape().enabled() ? new Scraper(config.scrape(), this::accept, clock, meters) : null;
        } catch (RuntimeException e) {
            parts.closeAfter(e);
            throw e;
        }
        addInStartOrder();
    }

    /**
     * The parts after the buffer and NATS, in the order they start and the reverse one they close in: the forwarder
     * draining the buffer first, what fills the buffer last, so it stops first.
     */
    private void addInStartOrder() {
        parts.add("forwarder", forwarder::start, forwarder);
        // Its subscription closes with NATS.
        parts.add("commands", () -> new CommandHandler(config.id(), buffer, nats, clock, config.resend()).start());
        parts.add("schedule", this::schedule, scheduler::shutdownNow);
        if (scraper != null) {
            parts.add("scraper", scraper::start, scraper);
        }
    }

    /** Starts the parts in order; when one fails, everything is closed, the buffer too, and the failure names it. */
    public void start() {
        parts.start();
        LOG.info(
                "edge {} started: buffer {} (last seq {}, checkpoint {}), NATS {}",
                config.id(),
                buffer.directory(),
                buffer.lastSeq(),
                buffer.checkpointSeq(),
                config.nats().servers());
    }

    /** Lost-batch declarations, heartbeat, retention and host collection on the agent's scheduler. */
    private void schedule() {
        LostDeclarations lost = new LostDeclarations(config.id(), buffer, nats, clock);
        scheduler.scheduleWithFixedDelay(guarded("declaring lost batches", lost::declareDue), 0, 5, TimeUnit.SECONDS);
        long hb = config.heartbeatInterval().toMillis();
        scheduler.scheduleAtFixedRate(guarded("heartbeat", heartbeat::beat), hb, hb, TimeUnit.MILLISECONDS);
        RetentionSweeper sweeper = new RetentionSweeper(buffer, config.buffer().retention(), clock);
        scheduler.scheduleWithFixedDelay(guarded("retention", sweeper::sweep), 1, 10, TimeUnit.MINUTES);
        if (config.collectEnabled()) {
            HostCollector collector = new HostCollector(clock);
            long every = config.collectInterval().toMillis();
            scheduler.scheduleAtFixedRate(
                    guarded("host collection", () -> collect(collector)), 0, every, TimeUnit.MILLISECONDS);
        }
    }

    private static Runnable guarded(String what, Runnable task) {
        return () -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.error("{} failed; will run again on schedule", what, e);
            }
        };
    }

    private void collect(HostCollector collector) {
        try {
            accept(collector.collect());
        } catch (BufferFullException | SeriesLimitException e) {
            collectSkipped.increment();
            LOG.warn("host collection skipped: {}", e.getMessage());
        }
    }

    /**
     * Durably appends the points; when this returns they are accepted.
     *
     * @throws BufferFullException when the buffer refuses them (reject policy at its limit, or disk nearly full)
     * @throws SeriesLimitException when they bring more series than {@code ingest.max-series}
     */
    public EdgeBuffer.SeqRange accept(List<Point> points) {
        if (points.isEmpty()) {
            return null;
        }
        seriesLimit.admit(points);
        EdgeBuffer.SeqRange range = buffer.append(points);
        pointsAccepted.increment(points.size());
        batchesAppended.increment(range.last() - range.first() + 1);
        return range;
    }

    public EdgeBuffer buffer() {
        return buffer;
    }

    public NatsLink nats() {
        return nats;
    }

    public Forwarder forwarder() {
        return forwarder;
    }

    public EdgeConfig config() {
        return config;
    }

    /** Each configured scrape target's last scrape; empty when the edge scrapes nothing. */
    public List<TargetStatus> scrapeTargets() {
        return scraper == null ? List.of() : scraper.statuses();
    }

    /** Each file of scrape targets and what was last read from it; empty without {@code scrape.files}. */
    public List<TargetFileStatus> scrapeFiles() {
        return scraper == null ? List.of() : scraper.files();
    }

    private static String hostName() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (Exception e) {
            return "unknown";
        }
    }

    /** Closes the parts in reverse, the buffer last; one that fails to close is logged and the rest still close. */
    @Override
    public void close() {
        parts.close();
        LOG.info("edge {} stopped", config.id());
    }
}
