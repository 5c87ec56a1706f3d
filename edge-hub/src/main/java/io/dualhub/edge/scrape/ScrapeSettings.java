package io.dualhub.edge.scrape;

import java.util.List;

/**
 * What the edge scrapes and the bounds of one scrape.
 *
 * @param targets     every endpoint (each URL of a configured target is one), empty: no scraping
 * @param maxBody     bytes a target's answer may have (after gzip); past it the scrape fails ({@code scrape.max-body})
 * @param sampleLimit samples one page may hold; past it the scrape fails ({@code scrape.sample-limit})
 */
public record ScrapeSettings(List<ScrapeTarget> targets, long maxBody, int sampleLimit) {
    public ScrapeSettings {
        targets = List.copyOf(targets);
    }

    public boolean enabled() {
        return !targets.isEmpty();
    }
}
