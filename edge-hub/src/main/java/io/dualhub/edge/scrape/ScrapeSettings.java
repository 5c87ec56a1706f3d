package io.dualhub.edge.scrape;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the edge scrapes and the bounds of one scrape.
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
    public ScrapeSettings {
        targets = List.copyOf(targets);
        files = List.copyOf(files);
    }

    /** Whether there is anything to scrape, or a file that may name something. */
    public boolean enabled() {
        return !targets.isEmpty() || !files.isEmpty();
    }
}
