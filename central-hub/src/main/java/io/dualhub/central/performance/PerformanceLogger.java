package io.dualhub.central.performance;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.store.StoreStats;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Latency;
import io.dualhub.common.wire.Point;
import io.dualhub.hub.metrics.LatencyTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The pipeline's own numbers: per edge, the points stored per second, the latency from collection (the oldest
 * point's timestamp in a batch) to its commit here, and the edge's publish-to-ack latency from its heartbeats; for
 * the hub, the store's commit latency. Micrometer histograms with percentiles (on {@code /prometheus}), one JSON
 * line a minute on logger {@code dualhub.performance}, and the same document at {@code GET /api/v1/performance};
 * every 10 s a {@link PipelineSample} of the whole pipeline, kept for half an hour.
 */
public final class PerformanceLogger implements AutoCloseable {
    private static final Logger PERF = LoggerFactory.getLogger("dualhub.performance");
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Duration SAMPLE = Duration.ofSeconds(10);
    private static final int SAMPLES_PER_MINUTE = (int) (Duration.ofMinutes(1).toMillis() / SAMPLE.toMillis());
    /** How far back {@link #rates()} goes: the dashboard's sparkline of each edge. */
    static final int HISTORY_MINUTES = 30;

    private static final int KEPT_SAMPLES = HISTORY_MINUTES * SAMPLES_PER_MINUTE + 1; // both ends included

    private final MeterRegistry meters;
    private final FleetView fleet;
    private final Supplier<Latency> commit;
    private final Supplier<StoreStats> stats;
    private final Clock clock;
    private final Duration logEvery;
    private final Map<String, EdgeMeters> edges = new ConcurrentHashMap<>();
    private final RecentSamples<PipelineSample> history = new RecentSamples<>(KEPT_SAMPLES);
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("performance");

    /** Per-edge meters and the recent counts ({time, points}) the rate is taken from. */
    private record EdgeMeters(Counter points, Timer collectToStored, RecentSamples<long[]> counts) {}

    /**
     * The whole pipeline at one sampling step: the totals the rates of stored, duplicate and declared-dropped points
     * are taken from, and the latency percentiles at that time.
     *
     * @param pointsStored          points in the store (its total)
     * @param duplicatesDropped     duplicate points recognised and not stored again, total
     * @param pointsDeclaredDropped points edges declared dropped (overflow, lost batches), total
     * @param storeCommit           the store's commit latency percentiles
     * @param collectToStored       the worst edge's collect-to-stored percentiles (each percentile its own worst)
     */
    public record PipelineSample(
            long atMs,
            long pointsStored,
            long duplicatesDropped,
            long pointsDeclaredDropped,
            Latency storeCommit,
            Latency collectToStored) {}

    /** One edge's numbers: points stored per second over the last minute, and two latencies. */
    public record EdgePerformance(String edgeId, double pointsPerSecond, Latency collectToStored, Latency publishAck) {}

    /** The whole report. */
    public record Report(long atMs, Latency storeCommit, List<EdgePerformance> edges) {}

    /**
     * Each edge's stored points per second, minute by minute (oldest first) up to the last half hour, and over the
     * last minute so far ({@code now}: the same as {@link EdgePerformance#pointsPerSecond}, there before a whole
     * minute is).
     */
    public record RateHistory(long atMs, long stepMs, Map<String, double[]> edges, Map<String, Double> now) {}

    public PerformanceLogger(
            MeterRegistry meters,
            FleetView fleet,
            Supplier<Latency> commit,
            Supplier<StoreStats> stats,
            Clock clock,
            Duration logEvery) {
        this.meters = meters;
        this.fleet = fleet;
        this.commit = commit;
        this.stats = stats;
        this.clock = clock;
        this.logEvery = logEvery;
    }

    public void start() {
        scheduler.scheduleAtFixedRate(this::sample, 0, SAMPLE.toMillis(), TimeUnit.MILLISECONDS);
        scheduler.scheduleAtFixedRate(this::log, logEvery.toMillis(), logEvery.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Records a committed batch (on the ingest thread; constant work per batch). */
    public void stored(Batch batch) {
        EdgeMeters m = edges.computeIfAbsent(batch.edgeId(), this::register);
        m.points().increment(batch.points().size());
        long oldest = Long.MAX_VALUE;
        for (Point p : batch.points()) {
            oldest = Math.min(oldest, p.timestampMs());
        }
        if (oldest != Long.MAX_VALUE) {
            m.collectToStored().record(Math.max(0, clock.millis() - oldest), TimeUnit.MILLISECONDS);
        }
    }

    public Report report() {
        TreeSet<String> ids = new TreeSet<>(edges.keySet());
        ids.addAll(fleet.all().keySet());
        List<EdgePerformance> list = ids.stream().map(this::edge).toList();
        return new Report(clock.millis(), commit.get(), list);
    }

    private EdgePerformance edge(String id) {
        EdgeMeters m = edges.get(id);
        FleetView.Seen seen = fleet.seen(id);
        Latency ack = seen == null || seen.heartbeat().publishAck() == null
                ? null
                : seen.heartbeat().publishAck();
        return new EdgePerformance(
                id,
                m == null ? 0 : rate(samples(m)),
                m == null ? null : LatencyTimers.latency(m.collectToStored()),
                ack);
    }

    private EdgeMeters register(String edgeId) {
        Counter points = Counter.builder("dualhub.central.edge.points")
                .tag("edge", edgeId)
                .description("Points stored from this edge")
                .register(meters);
        Timer latency = Timer.builder("dualhub.central.collect.stored")
                .tag("edge", edgeId)
                .description("From collection (oldest point of a batch) to its commit here")
                .publishPercentiles(LatencyTimers.PERCENTILES)
                .publishPercentileHistogram()
                .register(meters);
        return new EdgeMeters(points, latency, new RecentSamples<>(KEPT_SAMPLES));
    }

    /** Points per second over the last minute (between the newest sample and the one a minute before it). */
    private static double rate(long[][] s) {
        return s.length < 2 ? 0 : perSecond(s[Math.max(0, s.length - 1 - SAMPLES_PER_MINUTE)], s[s.length - 1]);
    }

    public RateHistory rates() {
        Map<String, double[]> rates = new TreeMap<>();
        Map<String, Double> now = new TreeMap<>();
        edges.forEach((id, m) -> {
            long[][] s = samples(m); // one copy of the samples for both figures
            rates.put(id, minuteRates(s));
            now.put(id, rate(s));
        });
        return new RateHistory(clock.millis(), Duration.ofMinutes(1).toMillis(), rates, now);
    }

    /** One rate per whole minute the samples span, counted back from the newest sample; oldest first. */
    private static double[] minuteRates(long[][] s) {
        int minutes = Math.max(0, s.length - 1) / SAMPLES_PER_MINUTE;
        double[] rates = new double[minutes];
        for (int i = 0; i < minutes; i++) {
            int later = s.length - 1 - i * SAMPLES_PER_MINUTE;
            rates[minutes - 1 - i] = perSecond(s[later - SAMPLES_PER_MINUTE], s[later]);
        }
        return rates;
    }

    /** The pipeline every 10 s over the last half hour, oldest first. */
    public List<PipelineSample> history() {
        return history.all();
    }

    private static long[][] samples(EdgeMeters m) {
        return m.counts().all().toArray(long[][]::new);
    }

    private static double perSecond(long[] earlier, long[] later) {
        return later[1] == earlier[1] ? 0 : (later[1] - earlier[1]) * 1000.0 / Math.max(1, later[0] - earlier[0]);
    }

    void sample() {
        long now = clock.millis();
        double[] worst = new double[3];
        for (EdgeMeters m : edges.values()) {
            m.counts().add(new long[] {now, (long) m.points().count()});
            Latency l = LatencyTimers.latency(m.collectToStored());
            worst[0] = Math.max(worst[0], l.p50Ms());
            worst[1] = Math.max(worst[1], l.p95Ms());
            worst[2] = Math.max(worst[2], l.p99Ms());
        }
        StoreStats s = stats.get();
        history.add(new PipelineSample(
                now,
                s.pointsStored(),
                s.duplicatesDropped(),
                s.pointsDeclaredDropped(),
                commit.get(),
                new Latency(worst[0], worst[1], worst[2])));
    }

    private void log() {
        try {
            PERF.info(JSON.writeValueAsString(report()));
        } catch (JsonProcessingException | RuntimeException e) {
            PERF.warn("performance report failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
