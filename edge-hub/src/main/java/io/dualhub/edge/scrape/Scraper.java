package io.dualhub.edge.scrape;

import io.dualhub.common.DaemonThreads;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Scrapes every target at its interval: the configured ones and those of the target files, which it reads again
 * every {@code scrape.files-refresh} and follows (a target gone from a file stops being scraped and its series end
 * with staleness markers, a new one starts, one that stayed keeps its schedule). One scheduler thread starts each
 * scrape (spread over the interval by the target's URL) and owns the set of targets; the HTTP client waits for
 * answers without holding a thread per target, and one worker thread parses each answer and appends its points, so
 * a target that is slow, down or answers garbage costs only its own turn. Each target's state belongs to its
 * {@link TargetScrape}.
 */
public final class Scraper implements AutoCloseable {
    private final ScrapeSettings settings;
    private final Consumer<List<Point>> sink;
    private final Clock clock;
    private final MeterRegistry meters;
    private final List<TargetFile> files;
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("edge-scrape-scheduler");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "edge-scrape");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http;
    private final Map<ScrapeTarget, Scheduled> scheduled = new LinkedHashMap<>(); // the scheduler thread's
    private volatile List<TargetScrape> current = List.of();

    private record Scheduled(TargetScrape scrape, ScheduledFuture<?> turns) {}

    /** A scraper of {@code settings}' targets appending to {@code sink} (the edge buffer's durable append). */
    public Scraper(ScrapeSettings settings, Consumer<List<Point>> sink, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.meters = meters;
        this.files = settings.files().stream()
                .map(f -> new TargetFile(f, settings.reader()))
                .toList();
        this.http = HttpClient.newBuilder()
                .connectTimeout(Duration.ofSeconds(10))
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public void start() {
        scheduler.execute(() -> {
            files.forEach(f -> f.refresh(clock.millis()));
            follow();
        });
        if (!files.isEmpty()) {
            long every = settings.filesRefresh().toMillis();
            scheduler.scheduleWithFixedDelay(this::refreshFiles, every, every, TimeUnit.MILLISECONDS);
        }
    }

    private void refreshFiles() {
        boolean changed = false;
        for (TargetFile f : files) {
            changed |= f.refresh(clock.millis());
        }
        if (changed) {
            follow();
        }
    }

    /** Schedules the targets now wanted and stops those no longer wanted; on the scheduler thread. */
    private void follow() {
        Set<ScrapeTarget> wanted = new LinkedHashSet<>(settings.targets());
        files.forEach(f -> wanted.addAll(f.targets()));
        scheduled.keySet().removeIf(target -> {
            if (wanted.contains(target)) {
                return false;
            }
            Scheduled gone = scheduled.get(target);
            gone.turns().cancel(false);
            gone.scrape().unregister();
            gone.scrape().retire(worker);
            return true;
        });
        for (ScrapeTarget target : wanted) {
            scheduled.computeIfAbsent(target, this::schedule);
        }
        List<TargetScrape> now = new ArrayList<>();
        wanted.forEach(t -> now.add(scheduled.get(t).scrape()));
        current = List.copyOf(now);
    }

    private Scheduled schedule(ScrapeTarget target) {
        TargetScrape scrape = new TargetScrape(target, settings, sink, clock, meters);
        long every = target.interval().toMillis();
        long offset = Math.floorMod(target.url().toString().hashCode(), every);
        return new Scheduled(
                scrape,
                scheduler.scheduleAtFixedRate(() -> scrape.tick(http, worker), offset, every, TimeUnit.MILLISECONDS));
    }

    /** Every target's last scrape: the configured ones first, then each file's, in order. */
    public List<TargetStatus> statuses() {
        return current.stream().map(TargetScrape::status).toList();
    }

    /** Each target file and what was last read from it. */
    public List<TargetFileStatus> files() {
        return files.stream().map(TargetFile::status).toList();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        worker.shutdownNow();
    }
}
