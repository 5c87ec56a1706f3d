package io.dualhub.edge.scrape;

import io.dualhub.common.DaemonThreads;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Scrapes every configured target at its interval: one scheduler thread starts each scrape (spread over the interval
 * by the target's URL, so targets do not all go at once), the HTTP client waits for answers without holding a thread
 * per target, and one worker thread parses each answer and appends its points, so one target that is slow, down or
 * answers garbage costs only its own turn. Each target's state belongs to its {@link TargetScrape}.
 */
public final class Scraper implements AutoCloseable {
    private final List<TargetScrape> targets;
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("edge-scrape-scheduler");
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "edge-scrape");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http;

    /** A scraper of {@code settings.targets()} appending to {@code sink} (the edge buffer's durable append). */
    public Scraper(ScrapeSettings settings, Consumer<List<Point>> sink, Clock clock, MeterRegistry meters) {
        this.targets = settings.targets().stream()
                .map(t -> new TargetScrape(t, settings, sink, clock, meters))
                .toList();
        Duration connect = settings.targets().stream()
                .map(ScrapeTarget::timeout)
                .min(Duration::compareTo)
                .orElse(Duration.ofSeconds(10));
        this.http = HttpClient.newBuilder()
                .connectTimeout(connect)
                .followRedirects(HttpClient.Redirect.NORMAL)
                .build();
    }

    public void start() {
        for (TargetScrape t : targets) {
            long every = t.target().interval().toMillis();
            long offset = Math.floorMod(t.target().url().toString().hashCode(), every);
            scheduler.scheduleAtFixedRate(() -> t.tick(http, worker), offset, every, TimeUnit.MILLISECONDS);
        }
    }

    /** Every target's last scrape, in the configured order. */
    public List<TargetStatus> statuses() {
        return targets.stream().map(TargetScrape::status).toList();
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        worker.shutdownNow();
    }
}
