package io.dualhub.central.store;

import java.util.Map;

/**
 * What to read: a metric, optionally one edge and exact tag values, a time range in epoch ms (inclusive) and an
 * optional step in ms (0 = raw points; otherwise the average per step-aligned bucket).
 */
public record SeriesQuery(String metric, String edge, Map<String, String> tags, long fromMs, long toMs, long stepMs) {
    public SeriesQuery {
        tags = Map.copyOf(tags);
    }

    boolean matches(SeriesKey key) {
        if (!key.metric().equals(metric) || (edge != null && !edge.equals(key.edge()))) {
            return false;
        }
        return tags.entrySet().stream()
                .allMatch(e -> e.getValue().equals(key.tags().get(e.getKey())));
    }
}
