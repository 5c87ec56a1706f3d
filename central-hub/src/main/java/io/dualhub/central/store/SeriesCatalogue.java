package io.dualhub.central.store;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * What the series dictionary holds, for people choosing what to ask for: the metric names (with how many series and
 * edges each has) and one metric's edges and tag values. Read from the dictionary in memory, never from the file;
 * each answer walks it once (time in proportion to the series stored) and is bounded by its caller's limits.
 */
public final class SeriesCatalogue {
    private final Collection<SeriesKey> series;

    SeriesCatalogue(Collection<SeriesKey> series) {
        this.series = series;
    }

    /** One metric name: how many series have it, on how many edges. */
    public record MetricName(String name, int series, int edges) {}

    /** Metric names, in order, that contain {@code match} (any case) and, with {@code edge}, come from that edge. */
    public List<MetricName> names(String match, String edge) {
        String needle = match == null ? "" : match.toLowerCase(Locale.ROOT);
        Map<String, Set<String>> edgesByName = new TreeMap<>();
        Map<String, Integer> seriesByName = new TreeMap<>();
        for (SeriesKey key : series) {
            if ((edge == null || edge.equals(key.edge()))
                    && key.metric().toLowerCase(Locale.ROOT).contains(needle)) {
                edgesByName.computeIfAbsent(key.metric(), n -> new TreeSet<>()).add(key.edge());
                seriesByName.merge(key.metric(), 1, Integer::sum);
            }
        }
        List<MetricName> names = new ArrayList<>(edgesByName.size());
        edgesByName.forEach((name, edges) -> names.add(new MetricName(name, seriesByName.get(name), edges.size())));
        return names;
    }

    /** One metric's series: its edges and, per tag key, the values seen. Empty edges when no series has it. */
    public record MetricTags(String metric, int series, SortedSet<String> edges, Map<String, SortedSet<String>> tags) {}

    public MetricTags tags(String metric, String edge) {
        SortedSet<String> edges = new TreeSet<>();
        Map<String, SortedSet<String>> tags = new TreeMap<>();
        int count = 0;
        for (SeriesKey key : series) {
            if (key.metric().equals(metric) && (edge == null || edge.equals(key.edge()))) {
                count++;
                edges.add(key.edge());
                key.tags()
                        .forEach((k, v) ->
                                tags.computeIfAbsent(k, x -> new TreeSet<>()).add(v));
            }
        }
        return new MetricTags(metric, count, edges, tags);
    }
}
