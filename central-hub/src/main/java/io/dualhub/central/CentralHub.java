package io.dualhub.central;

import io.dualhub.central.alerting.AlertDelivery;
import io.dualhub.central.alerting.AlertPoster;
import io.dualhub.central.alerting.FailingAlerts;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.central.analysis.PredictiveAnalyzer;
import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.export.Exports;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.gaps.GapRepair;
import io.dualhub.central.ingest.Ingestor;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.lifecycle.AgentLifecycleManager;
import io.dualhub.central.performance.PerformanceLogger;
import io.dualhub.central.recovery.RecoveryLog;
import io.dualhub.central.recovery.RecoveryManager;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.BackupContents;
import io.dualhub.central.store.MetricStore;
import io.dualhub.central.store.RestorePoint;
import io.dualhub.central.store.StoreMeters;
import io.dualhub.central.stream.LeaderPlacement;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.lifecycle.Components;
import io.dualhub.common.nats.NatsLink;
import io.micrometer.core.instrument.MeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CentralHub without its HTTP layer: the store and the Ingestor feeding it, gap repair, the leader lease that
 * decides which instance may act, and the four capabilities fed by them — lifecycle, predictive analysis,
 * performance and recovery.
 */
public final class CentralHub implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(CentralHub.class);
    private final CentralConfig config;
    private final MetricStore store;
    private final StoreMeters storeMeters;
    private final NatsLink nats;
    private final FleetView fleet;
    private final Ingestor ingestor;
    private final LeaderLease lease;
    private final GapRepair gapRepair;
    private final LeaderLease placementLease; // null on a site of one group, whose leader places
    private final LeaderPlacement placement;
    private final PredictiveAnalyzer analyzer;
    private final AgentLifecycleManager lifecycle;
    private final PerformanceLogger performance;
    private final AlertDelivery alertDelivery;
    private final FailingAlerts failingAlerts;
    private final Exports exports;
    private final RecoveryLog audit;
    private final Rejections rejections;
    private final RecoveryManager recovery;
    private final StreamSetup streams;
    private final Clock clock;
    private final Components parts;

    /** This build's version, as the jar's manifest names it (a dev build: "dev"). */
    static final String VERSION = CentralHub.class.getPackage().getImplementationVersion() == null
            ? "dev"
            : CentralHub.class.getPackage().getImplementationVersion();

    /**
     * Builds the hub; opens the store and the NATS link (in the background), and closes both again when a later part
     * cannot be built.
     */
    public CentralHub(CentralConfig config, MeterRegistry meters, Clock clock) {
        this.config = config;
        this.clock = clock;
        this.parts = new Components("central " + config.instance());
        try {
            this.streams = new StreamSetup(config.stream(), config.ingest(), config.partition());
            this.store = parts.opened("store", new MetricStore(config.dataDir(), clock, config.store()));
            this.storeMeters = new StoreMeters(meters, config.store());
            this.nats = parts.opened("NATS", NatsLink.open(config.nats(), "dualhub-central-" + config.instance()));
            this.audit = new RecoveryLog(
                    nats, config.stream().replicas(), config.recovery().auditMaxAge());
            this.rejections = new Rejections(config.instance(), meters, audit::record, clock, System::nanoTime);
            this.fleet = new FleetView(rejections, clock, config.partition());
            this.lease = lease(config, config.partition().qualify(LeaderLease.KEY));
            this.alertDelivery = new AlertDelivery(
                    config.alerting(),
                    lease::holds,
                    AlertPoster.http(config.alerting().timeout()),
                    clock,
                    meters);
            AlertBoard alerts = new AlertBoard(lease::holds, nats::publish, alertDelivery::accept);
            this.analyzer = new PredictiveAnalyzer(config.analysis(), alerts, meters);
            this.lifecycle = new AgentLifecycleManager(
                    config.instance(),
                    config.lifecycle(),
                    config.stream().replicas(),
                    fleet,
                    nats,
                    lease::holds,
                    alerts,
                    clock);
            // The Ingestor's events go to parts built before it and, once built, to two that read it.
            IngestEvents events = new IngestEvents(analyzer, lifecycle, store, storeMeters);
            this.ingestor = new Ingestor(
                    nats,
                    streams,
                    config.instance(),
                    config.ingest(),
                    store,
                    fleet::replay,
                    events,
                    rejections,
                    meters,
                    clock);
            this.recovery = new RecoveryManager(
                    config.instance(),
                    audit,
                    fleet,
                    lifecycle,
                    ingestor::state,
                    ingestor::problem,
                    nats,
                    lease::holds,
                    config.recovery().drainStall(),
                    clock);
            this.exports = new Exports(
                    config.export(),
                    nats,
                    lease::holds,
                    () -> store.edges().values(),
                    "dualhub-central/" + VERSION,
                    meters,
                    audit::record,
                    config.instance(),
                    config.partition(),
                    clock);
            List<FailingAlerts.Watched> watched = new ArrayList<>();
            watched.add(FailingAlerts.Watched.store(
                    config.instance(),
                    ingestor::storeFailingForMs,
                    ingestor::problem,
                    config.alerting().storeFailingAfter()));
            watched.addAll(exports.watched());
            this.failingAlerts = new FailingAlerts(config.instance(), alerts, watched, clock);
            this.performance = new PerformanceLogger(
                    meters, fleet, ingestor::commitLatency, store::stats, clock, Duration.ofMinutes(1));
            events.alsoTell(performance, recovery);
            this.placementLease = config.partition().count() > 1 ? lease(config, LeaderLease.PLACEMENT_KEY) : null;
            this.placement = new LeaderPlacement(nats, (placementLease == null ? lease : placementLease)::holds);
            this.gapRepair = new GapRepair(
                    nats, store, fleet, lease, audit, config.instance(), config.gapGrace(), clock, meters);
        } catch (RuntimeException e) {
            parts.closeAfter(e);
            throw e;
        }
        addInStartOrder();
    }

    /**
     * The parts after the store and NATS, in the order they start and the reverse one they close in: those the
     * Ingestor tells what it stored before it, so it stops before they do; the lease before the parts that act only
     * on it. Parts built but not yet added when the constructor fails have nothing to close until they start.
     */
    private void addInStartOrder() {
        parts.add("analyzer", analyzer::start, analyzer);
        parts.add("alert delivery", alertDelivery::start, alertDelivery);
        parts.add("failing alerts", failingAlerts::start, failingAlerts);
        parts.add("fleet", () -> fleet.start(nats)); // its subscription closes with NATS
        parts.add("lifecycle", lifecycle::start, lifecycle);
        parts.add("performance", performance::start, performance);
        parts.add("recovery", recovery::start, recovery);
        parts.add("ingestor", ingestor::start, ingestor);
        parts.add("lease", lease::start, lease);
        parts.add("gap repair", gapRepair::start, gapRepair);
        if (placementLease != null) {
            parts.add("placement lease", placementLease::start, placementLease);
        }
        parts.add("leader placement", placement::start, placement);
        parts.add("exports", exports::start, exports);
    }

    /** A lease on {@code key} of the bucket every hub of the site contends in. */
    private LeaderLease lease(CentralConfig config, String key) {
        return new LeaderLease(
                nats,
                config.instance(),
                key,
                config.leaderTtl(),
                config.stream().replicas(),
                clock,
                System::nanoTime);
    }

    /** Starts the parts in order; when one fails, everything is closed, the store too, and the failure names it. */
    public void start() {
        parts.start();
        LOG.info(
                "central {} started: store {} ({} points from {} edges), NATS {}",
                config.instance(),
                config.dataDir(),
                store.stats().pointsStored(),
                store.stats().edges(),
                config.nats().servers());
    }

    /**
     * A new file name under {@code <data.dir>/backups} for {@link #backup}, after removing what earlier backups left
     * there (a backup still being sent keeps reading its removed file).
     */
    public Path newBackupFile() throws IOException {
        Path dir = config.dataDir().resolve("backups");
        Files.createDirectories(dir);
        try (Stream<Path> old = Files.list(dir)) {
            for (Path p : old.toList()) {
                Files.deleteIfExists(p);
            }
        }
        return dir.resolve("backup-" + clock.millis() + "-" + Long.toUnsignedString(System.nanoTime()) + ".duckdb");
    }

    /**
     * Writes a backup of the store into the new file {@code target}: a consistent snapshot, and the restore point a
     * hub started on it reads the streams from (this hub's consumers' first unacknowledged sequences, read before the
     * snapshot begins, so everything below them is in it). Needs NATS, which knows those sequences.
     */
    public BackupContents backup(Path target) throws IOException, JetStreamApiException {
        Connection c = nats.live();
        if (c == null) {
            throw new IllegalStateException("a backup needs NATS (it records where in the streams a restored hub"
                    + " reads on from), and this hub is not connected to it now; try again once it is");
        }
        RestorePoint point = new RestorePoint(
                config.instance(),
                clock.millis(),
                streams.nextUnacknowledged(c.jetStreamManagement(), config.instance()));
        return store.backup(target, point);
    }

    public MetricStore store() {
        return store;
    }

    public FleetView fleet() {
        return fleet;
    }

    public Ingestor ingestor() {
        return ingestor;
    }

    public LeaderLease lease() {
        return lease;
    }

    public Rejections rejections() {
        return rejections;
    }

    public RecoveryLog recoveryLog() {
        return audit;
    }

    public PerformanceLogger performance() {
        return performance;
    }

    public AgentLifecycleManager lifecycle() {
        return lifecycle;
    }

    public Exports exports() {
        return exports;
    }

    public AlertDelivery alertDelivery() {
        return alertDelivery;
    }

    public PredictiveAnalyzer analyzer() {
        return analyzer;
    }

    public NatsLink nats() {
        return nats;
    }

    public CentralConfig config() {
        return config;
    }

    /** Closes the parts in reverse, the store last; one that fails to close is logged and the rest still close. */
    @Override
    public void close() {
        parts.close();
        LOG.info("central {} stopped", config.instance());
    }
}
