package io.dualhub.edge.scrape;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the edge scrapes and the bounds of one scrape, read from the {@code scrape.*} keys (whose bounds are checked
 * once, where they are read: a target file's elements are read with the same rules); the keys' defaults are the
 * named constants here.
 *
 * @param targets      the endpoints of the main configuration (each URL of a configured target is one)
 * @param files        files of more targets ({@code scrape.files}), read again when they change
 * @param filesRefresh how often those files are looked at
 * @param reader       how one such file is read
 * @param maxBody      bytes a target's answer may have (after gzip); past it the scrape fails ({@code scrape.max-body})
 * @param sampleLimit  samples one page may hold; past it the scrape fails ({@code scrape.sample-limit})
 */
public record ScrapeSettings(
        List<ScrapeTarget> targets,
        List<Path> files,
        Duration filesRefresh,
        TargetFileReader reader,
        long maxBody,
        int sampleLimit) {
    /** Prometheus' own example configuration scrapes every 15 s; its default of a minute is coarse for alerting. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(15);
    /** Prometheus' own scrape_timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);
    /** A target file changed by hand or by a deployment is followed within seconds. */
    public static final Duration DEFAULT_FILES_REFRESH = Duration.ofSeconds(10);
    /** Room for large exporters' pages; a larger answer fails its scrape instead of filling the edge's heap. */
    public static final long DEFAULT_MAX_BODY = 16L << 20;
    /** The points one write request may carry (http.max-points), so a scrape is bounded like a write. */
    public static final int DEFAULT_SAMPLE_LIMIT = 50_000;

    public ScrapeSettings {
        targets = List.copyOf(targets);
        files = List.copyOf(files);
    }

    /** Whether there is anything to scrape, or a file that may name something. */
    public boolean enabled() {
        return !targets.isEmpty() || !files.isEmpty();
    }
}
