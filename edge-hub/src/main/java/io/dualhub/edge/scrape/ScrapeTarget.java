package io.dualhub.edge.scrape;

import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One endpoint to scrape, as configured: its job, URL, how often and how long a scrape may take, the labels every
 * sample of it gets, and whether labels it exposes itself win over those ({@code honor-labels}).
 *
 * @param instance the {@code instance} label: the URL's host and port, the scheme's port when it names none
 */
public record ScrapeTarget(
        String job,
        URI url,
        Duration interval,
        Duration timeout,
        SortedMap<String, String> labels,
        boolean honorLabels,
        String instance) {
    public ScrapeTarget {
        labels = new TreeMap<>(labels);
    }

    public static ScrapeTarget of(
            String job, URI url, Duration interval, Duration timeout, Map<String, String> labels, boolean honorLabels) {
        int port = url.getPort() >= 0 ? url.getPort() : "https".equals(url.getScheme()) ? 443 : 80;
        return new ScrapeTarget(
                job, url, interval, timeout, new TreeMap<>(labels), honorLabels, url.getHost() + ":" + port);
    }

    /**
     * The labels the edge gives every sample of this target: {@code job}, {@code instance} and the configured ones
     * (which may replace {@code instance}, as in Prometheus).
     */
    SortedMap<String, String> targetLabels() {
        SortedMap<String, String> all = new TreeMap<>();
        all.put("job", job);
        all.put("instance", instance);
        all.putAll(labels);
        return all;
    }
}
