package io.dualhub.edge.scrape;

import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns one scraped page into points, by one set of rules:
 *
 * <ul>
 *   <li>each sample gets its target's labels ({@code job}, {@code instance}, the configured ones); a label the page
 *       exposes under one of those names is kept as {@code exported_<name>}, or, with {@code honor-labels}, wins
 *       over the target's, as in Prometheus;
 *   <li>a label the page names {@code edge} (the CentralHub's own) becomes {@code exported_edge}; labels starting
 *       {@code __} are dropped, as Prometheus drops them;
 *   <li>a sample without its own timestamp gets the scrape's start;
 *   <li>a sample whose value is not a finite number (NaN, ±Inf: the store keeps numbers only), or that breaks the
 *       edge's point bounds, is skipped and counted, with the first reason kept;
 *   <li>then {@code up}, {@code scrape_duration_seconds} and {@code scrape_samples_scraped} with the target's
 *       labels, as Prometheus writes them;
 *   <li>a series of the previous scrape that this one lacks (every one, when this scrape failed) gets a staleness
 *       marker at this scrape's start, as Prometheus writes them, so PromQL stops at once instead of looking back
 *       for its last value for 5 minutes; a series the page stamps with its own timestamps gets none, as in
 *       Prometheus.
 * </ul>
 *
 * <p>Used by one thread at a time (the scrape worker).
 */
final class ScrapedPoints {
    /** One series a scrape wrote. */
    record Series(String metric, SortedMap<String, String> labels) {}

    static final String NOT_FINITE = "not-finite";
    static final String BOUNDS = "bounds";

    private final ScrapeTarget target;
    private final SortedMap<String, String> targetLabels;
    private final long scrapeMs;
    private final List<Point> points = new ArrayList<>();
    private final Set<Series> series = new HashSet<>();
    private final Map<String, Integer> skipped = new TreeMap<>();
    private String firstSkip;

    ScrapedPoints(ScrapeTarget target, long scrapeMs) {
        this.target = target;
        this.targetLabels = target.targetLabels();
        this.scrapeMs = scrapeMs;
    }

    /** Adds the page's samples. */
    ScrapedPoints samples(List<ExposedSample> samples) {
        for (ExposedSample s : samples) {
            add(s);
        }
        return this;
    }

    /** Adds {@code up}, {@code scrape_duration_seconds} and {@code scrape_samples_scraped}. */
    ScrapedPoints outcome(boolean up, long durationMs, int samples) {
        report("up", up ? 1 : 0);
        report("scrape_duration_seconds", durationMs / 1000.0);
        report("scrape_samples_scraped", samples);
        return this;
    }

    private void report(String metric, double value) {
        points.add(new Point(metric, targetLabels, scrapeMs, value));
        series.add(new Series(metric, targetLabels));
    }

    /**
     * Adds a staleness marker for each series of {@code previous} (the last stored scrape's {@link #series()}) that
     * this scrape has not.
     */
    ScrapedPoints endVanished(Set<Series> previous) {
        for (Series gone : previous) {
            if (!series.contains(gone)) {
                points.add(Point.staleMarker(gone.metric(), gone.labels(), scrapeMs));
            }
        }
        return this;
    }

    List<Point> points() {
        return points;
    }

    /** The series of this scrape that end with a staleness marker when they vanish: those without own timestamps. */
    Set<Series> series() {
        return series;
    }

    /** Samples skipped, by reason ({@link #NOT_FINITE}, {@link #BOUNDS}). */
    Map<String, Integer> skipped() {
        return skipped;
    }

    /** Why the first skipped sample was skipped, naming it; null when none was. */
    String firstSkip() {
        return firstSkip;
    }

    private void add(ExposedSample s) {
        if (!Double.isFinite(s.value())) {
            skip(NOT_FINITE, s, "value " + s.value() + " is not a finite number");
            return;
        }
        Point point = new Point(s.name(), labels(s.labels()), s.hasTimestamp() ? s.timestampMs() : scrapeMs, s.value());
        String violation = PointLimits.violation(point);
        if (violation != null) {
            skip(BOUNDS, s, violation);
            return;
        }
        points.add(point);
        if (!s.hasTimestamp()) {
            series.add(new Series(point.metric(), point.tags()));
        }
    }

    private SortedMap<String, String> labels(SortedMap<String, String> exposed) {
        SortedMap<String, String> labels = new TreeMap<>(targetLabels);
        for (Map.Entry<String, String> e : exposed.entrySet()) {
            String name = e.getKey();
            if (name.startsWith("__")) {
                continue;
            }
            boolean clash = name.equals("edge") || targetLabels.containsKey(name) && !target.honorLabels();
            labels.put(clash ? "exported_" + name : name, e.getValue());
        }
        return labels;
    }

    private void skip(String reason, ExposedSample s, String why) {
        skipped.merge(reason, 1, Integer::sum);
        if (firstSkip == null) {
            firstSkip = "sample " + s.name() + s.labels() + " skipped: " + why;
        }
    }
}
