package io.dualhub.edge.scrape;

import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.zip.GZIPInputStream;

/**
 * Scrapes one target: a request sent without blocking any thread, so a slow or silent target holds nothing but its
 * own next turn; the answer parsed and its points appended on the scrape worker. At most one scrape of a target is
 * under way ({@code inFlight}, set by the scheduler's tick and cleared by the worker); a tick that finds one still
 * running is skipped. The status is replaced whole by the worker and read by anyone; the series of the last stored
 * scrape (which end with staleness markers when they vanish) and whether the target is retired are the worker's.
 */
final class TargetScrape {
    /** What is asked for: the text format first, OpenMetrics understood too. */
    static final String ACCEPT =
            "text/plain;version=0.0.4;q=1,application/openmetrics-text;version=1.0.0;q=0.5,*/*;q=0.1";

    private final ScrapeTarget target;
    private final ScrapeSettings settings;
    private final Consumer<List<Point>> sink;
    private final Clock clock;
    private final AtomicBoolean inFlight = new AtomicBoolean();
    private final Counter failures;
    private final MeterRegistry meters;
    private final List<Meter> registered = new CopyOnWriteArrayList<>();
    private volatile TargetStatus status;
    private Set<ScrapedPoints.Series> lastSeries = Set.of();
    private boolean retired;

    TargetScrape(
            ScrapeTarget target,
            ScrapeSettings settings,
            Consumer<List<Point>> sink,
            Clock clock,
            MeterRegistry meters) {
        this.target = target;
        this.settings = settings;
        this.sink = sink;
        this.clock = clock;
        this.meters = meters;
        this.status = TargetStatus.unknown(target);
        Tags tags = tags();
        this.failures = Counter.builder("dualhub.edge.scrape.failures")
                .description("Scrapes of a target that failed (no answer, an error status, a bad page, not stored)")
                .tags(tags)
                .register(meters);
        registered.add(failures);
        registered.add(Gauge.builder("dualhub.edge.scrape.up", this, t -> t.status.up() ? 1 : 0)
                .description("1 when the target's last scrape was stored, 0 otherwise (also before the first)")
                .tags(tags)
                .register(meters));
    }

    /** Removes this target's meters: it is no longer scraped. */
    void unregister() {
        registered.forEach(meters::remove);
    }

    ScrapeTarget target() {
        return target;
    }

    TargetStatus status() {
        return status;
    }

    /** Starts a scrape unless one is under way; its result is handled on {@code worker}. */
    void tick(HttpClient http, Executor worker) {
        if (!inFlight.compareAndSet(false, true)) {
            return;
        }
        long startMs = clock.millis();
        long startNanos = System.nanoTime();
        HttpRequest request = HttpRequest.newBuilder(target.url())
                .timeout(target.timeout())
                .header("Accept", ACCEPT)
                .header("Accept-Encoding", "gzip")
                .header(
                        "X-Prometheus-Scrape-Timeout-Seconds",
                        Double.toString(target.timeout().toMillis() / 1000.0))
                .header("User-Agent", "dualhub-edge")
                .GET()
                .build();
        http.sendAsync(request, info -> new LimitedBody(settings.maxBody()))
                .orTimeout(target.timeout().toMillis(), TimeUnit.MILLISECONDS)
                .whenCompleteAsync(
                        (answer, failure) -> {
                            try {
                                finish(startMs, (System.nanoTime() - startNanos) / 1_000_000, answer, failure);
                            } finally {
                                inFlight.set(false);
                            }
                        },
                        worker);
    }

    /**
     * The target is no longer wanted: its series, the scrape's own included, end with staleness markers now, as
     * Prometheus ends those of a target that went away, and no scrape of it still under way is stored after them.
     */
    void retire(Executor worker) {
        worker.execute(() -> {
            retired = true;
            if (lastSeries.isEmpty()) {
                return; // never stored a scrape: nothing to end
            }
            try {
                sink.accept(new ScrapedPoints(target, clock.millis())
                        .endVanished(lastSeries)
                        .points());
            } catch (RuntimeException e) {
                // a full buffer: PromQL then looks back 5 minutes for these series' last values, nothing is lost
            }
        });
    }

    /** On the worker: the answer's points appended, the status and meters updated. */
    private void finish(long startMs, long durationMs, HttpResponse<byte[]> answer, Throwable failure) {
        if (retired) {
            return;
        }
        ScrapedPoints out = new ScrapedPoints(target, startMs);
        String error = null;
        int samples = 0;
        try {
            List<ExposedSample> page = page(answer, failure);
            samples = page.size();
            out.samples(page);
        } catch (IOException | ExpositionException e) {
            error = e.getMessage();
        }
        out.outcome(error == null, durationMs, samples).endVanished(lastSeries);
        try {
            sink.accept(out.points());
            lastSeries = out.series();
        } catch (RuntimeException e) { // a full buffer, the series limit, a point too large for a batch
            error = "not stored: " + e.getMessage();
        }
        out.skipped().forEach((reason, n) -> {
            Counter skipped = Counter.builder("dualhub.edge.scrape.samples.skipped")
                    .description("Scraped samples not kept: values that are not finite, or breaking the point bounds")
                    .tags(tags().and("reason", reason))
                    .register(meters);
            if (!registered.contains(skipped)) {
                registered.add(skipped);
            }
            skipped.increment(n);
        });
        if (error != null) {
            failures.increment();
        }
        int skipped =
                out.skipped().values().stream().mapToInt(Integer::intValue).sum();
        String problem = error != null ? error : skipped > 0 ? out.firstSkip() + " (" + skipped + " in all)" : null;
        status = new TargetStatus(
                target.job(),
                target.url().toString(),
                error == null ? "up" : "down",
                startMs,
                durationMs,
                samples,
                skipped,
                problem);
    }

    private List<ExposedSample> page(HttpResponse<byte[]> answer, Throwable failure) throws IOException {
        if (failure != null) {
            throw new IOException(describe(failure));
        }
        if (answer.statusCode() != 200) {
            throw new IOException("answered HTTP " + answer.statusCode());
        }
        byte[] body = answer.body();
        if (answer.headers().firstValue("Content-Encoding").orElse("").equalsIgnoreCase("gzip")) {
            body = gunzip(body);
        }
        boolean openMetrics =
                answer.headers().firstValue("Content-Type").orElse("").startsWith("application/openmetrics-text");
        return new ExpositionParser(openMetrics, settings.sampleLimit())
                .parse(new String(body, StandardCharsets.UTF_8));
    }

    private byte[] gunzip(byte[] body) throws IOException {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes((int) Math.min(settings.maxBody() + 1, Integer.MAX_VALUE - 8));
            if (out.length > settings.maxBody()) {
                throw new LimitedBody.TooLargeException(settings.maxBody());
            }
            return out;
        }
    }

    private String describe(Throwable failure) {
        Throwable cause =
                failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
        if (cause instanceof TimeoutException || cause instanceof HttpTimeoutException) {
            return "no answer within " + target.timeout().toMillis() + " ms (the target's timeout)";
        }
        if (cause instanceof ConnectException) {
            return "cannot connect: " + (cause.getMessage() == null ? "connection refused" : cause.getMessage());
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }

    private Tags tags() {
        return Tags.of("job", target.job(), "instance", target.instance());
    }
}
