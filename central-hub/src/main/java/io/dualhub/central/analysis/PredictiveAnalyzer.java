package io.dualhub.central.analysis;

import io.dualhub.central.store.SeriesKey;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SortedMap;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores every stored point of every watched series for anomalies and forecasts capacity series, on its own thread
 * (which alone owns the models): the Ingestor hands it batches after they are committed and never waits for it. If
 * analysis falls a full queue behind, batches are skipped for analysis only (counted), never for storage. It rests
 * in proportion to its work so it takes at most {@code analysis.cpu-share} of a core: on a 2-core machine, scoring a
 * drained backlog point by point took more CPU than storing it and slowed the store.
 */
public final class PredictiveAnalyzer implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictiveAnalyzer.class);
    /**
     * Points waiting for analysis at most: the queue is bounded in points, not batches, because 1,024 batches of
     * 5,000 points of a drained backlog are 5 M decoded points, more than a 256 MiB heap holds.
     */
    static final int MAX_QUEUED_POINTS = 100_000;

    private static final int RECENT_ANOMALIES = 1000;

    private final AnalysisSettings settings;
    private final AlertBoard alerts;
    private final BlockingQueue<Batch> queue = new LinkedBlockingQueue<>();
    private final AtomicInteger queuedPoints = new AtomicInteger();
    private final Map<SeriesKey, SeriesWatch> watches = new HashMap<>();
    private final CapacityForecaster capacity;
    private final Deque<Anomaly> recent = new ArrayDeque<>();
    private final Map<SeriesKey, Prediction> predictions = new ConcurrentHashMap<>();
    private final Counter scored;
    private final Counter skipped;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean warnedFull;

    public PredictiveAnalyzer(AnalysisSettings settings, AlertBoard alerts, MeterRegistry meters) {
        this.settings = settings;
        this.alerts = alerts;
        this.capacity = new CapacityForecaster(settings);
        this.scored = Counter.builder("dualhub.central.analysis.points")
                .description("Points scored for anomalies")
                .register(meters);
        this.skipped = Counter.builder("dualhub.central.analysis.skipped")
                .description("Stored points not analysed because analysis was a full queue behind")
                .register(meters);
        this.thread = DaemonThreads.thread("predictive-analyzer", this::run);
    }

    public void start() {
        if (settings.enabled()) {
            thread.start();
        }
    }

    /** Hands over a committed batch; never blocks. */
    public void offer(Batch batch) {
        if (!settings.enabled()) {
            return;
        }
        // One producer (the ingest thread): the analyzer only takes points out, so checking then adding is safe.
        int points = batch.points().size();
        int waiting = queuedPoints.get();
        if (waiting > 0 && waiting + points > MAX_QUEUED_POINTS) {
            skipped.increment(points);
            return;
        }
        queuedPoints.addAndGet(points);
        queue.add(batch);
    }

    /** Open incidents and the most recent closed ones, newest first; {@code edge} null for all edges. */
    public synchronized List<Anomaly> anomalies(String edge) {
        List<Anomaly> result = new ArrayList<>();
        recent.descendingIterator().forEachRemaining(a -> {
            if (edge == null || a.edge().equals(edge)) {
                result.add(a);
            }
        });
        return result;
    }

    /** The latest forecast of every capacity series, soonest to reach its limit first. */
    public List<Prediction> predictions(String edge) {
        return predictions.values().stream()
                .filter(p -> edge == null || p.edge().equals(edge))
                .sorted(Comparator.comparingLong(
                        (Prediction p) -> p.etaSeconds() < 0 ? Long.MAX_VALUE : p.etaSeconds()))
                .toList();
    }

    public AlertBoard alerts() {
        return alerts;
    }

    private void run() {
        while (running) {
            try {
                Batch batch = queue.poll(200, TimeUnit.MILLISECONDS);
                if (batch != null) {
                    queuedPoints.addAndGet(-batch.points().size());
                    long start = System.nanoTime();
                    analyse(batch);
                    LockSupport.parkNanos(settings.restAfter(System.nanoTime() - start));
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("analysis of a batch failed; continuing with the next", e);
            }
        }
    }

    /** Scores and forecasts one batch; on the analysis thread (a test drives it directly, the thread not started). */
    void analyse(Batch batch) {
        for (Point point : batch.points()) {
            SeriesKey key = new SeriesKey(batch.edgeId(), point.metric(), point.tags());
            Prediction prediction = capacity.observe(batch.edgeId(), point, hasRoom());
            if (prediction != null) {
                predicted(key, prediction);
            }
            if (!settings.skipMetrics().contains(point.metric())) {
                SeriesWatch watch = watch(key);
                if (watch != null) {
                    scored.increment();
                    changed(watch, watch.observe(point));
                }
            }
        }
    }

    /** Room for one more series under analysis.max-series: anomaly watches and capacity series together. */
    private boolean hasRoom() {
        return watches.size() + capacity.tracked() < settings.maxSeries();
    }

    private SeriesWatch watch(SeriesKey key) {
        SeriesWatch watch = watches.get(key);
        if (watch == null && hasRoom()) {
            watch = new SeriesWatch(key, settings);
            watches.put(key, watch);
        } else if (watch == null && !warnedFull) {
            warnedFull = true;
            LOG.warn(
                    "analysis.max-series={} reached: further series are stored but not analysed", settings.maxSeries());
        }
        return watch;
    }

    private void changed(SeriesWatch watch, SeriesWatch.Change change) {
        if (change == SeriesWatch.Change.NONE) {
            return;
        }
        Anomaly incident = watch.incident();
        String key = "anomaly:" + incident.edge() + ":" + seriesName(incident.metric(), incident.tags());
        synchronized (this) {
            recent.removeIf(a -> a.edge().equals(incident.edge())
                    && a.metric().equals(incident.metric())
                    && a.tags().equals(incident.tags())
                    && a.startedMs() == incident.startedMs());
            recent.addLast(incident);
            while (recent.size() > RECENT_ANOMALIES) {
                recent.removeFirst();
            }
        }
        if (change == SeriesWatch.Change.OPENED) {
            alerts.raise(new Alert(
                    key,
                    "DualhubAnomaly",
                    "warning",
                    "anomaly",
                    incident.edge(),
                    "",
                    incident.metric(),
                    incident.tags(),
                    String.format(
                            Locale.ROOT,
                            "%s on edge %s is anomalous (score %.2f, value %s)",
                            seriesName(incident.metric(), incident.tags()),
                            incident.edge(),
                            incident.score(),
                            incident.value()),
                    incident.startedMs()));
        } else {
            watch.forget();
            alerts.resolve(key);
        }
    }

    private void predicted(SeriesKey key, Prediction prediction) {
        predictions.put(key, prediction);
        String alertKey = "capacity:" + key.edge() + ":" + seriesName(key.metric(), key.tags());
        long horizon = settings.horizon().toSeconds();
        if (alerting(prediction, horizon)) {
            String severity = prediction.etaSeconds() <= horizon / 24 ? "critical" : "warning";
            alerts.raise(new Alert(
                    alertKey,
                    "DualhubCapacity",
                    severity,
                    "capacity",
                    key.edge(),
                    "",
                    key.metric(),
                    key.tags(),
                    prediction.summary(),
                    prediction.atMs()));
        } else if (prediction.etaSeconds() < 0 || prediction.etaSeconds() > horizon * 5 / 4) {
            alerts.resolve(alertKey); // a quarter of the horizon as hysteresis, so a wavering trend does not flap
        }
    }

    /**
     * A forecast worth paging someone for: fitted to at least analysis.capacity-min-history of points, and heading for
     * the limit within the horizon even at the slow end of its range (a wide range from a noisy trend does not alert).
     */
    private boolean alerting(Prediction p, long horizon) {
        return p.historySeconds() >= settings.capacityMinHistory().toSeconds()
                && p.etaSeconds() >= 0
                && p.etaHighSeconds() >= 0
                && p.etaHighSeconds() <= horizon;
    }

    /** {@code metric{k=v,...}}, the way series are named in alerts. */
    static String seriesName(String metric, SortedMap<String, String> tags) {
        return tags.isEmpty()
                ? metric
                : metric
                        + tags.entrySet().stream()
                                .map(e -> e.getKey() + "=" + e.getValue())
                                .collect(Collectors.joining(",", "{", "}"));
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        DaemonThreads.awaitEnd(thread);
    }
}
