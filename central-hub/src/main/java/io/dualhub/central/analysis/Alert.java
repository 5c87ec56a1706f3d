package io.dualhub.central.analysis;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An active alert: a stable key (one per condition and series), its name as Alertmanager groups it
 * ({@code alertname}, like {@code DualhubAnomaly}), its severity ({@code warning} or {@code critical}), its kind
 * (what the dashboard groups by), the edge it concerns, the series when it concerns one ({@code metric} empty and
 * {@code tags} empty otherwise), a one-line summary and since when it holds.
 */
public record Alert(
        String key,
        String name,
        String severity,
        String kind,
        String edge,
        String metric,
        SortedMap<String, String> tags,
        String summary,
        long sinceMs) {
    public Alert {
        tags = new TreeMap<>(tags);
    }

    /** An alert about an edge as a whole, not one of its series. */
    public static Alert ofEdge(
            String key, String name, String severity, String kind, String edge, String summary, long sinceMs) {
        return new Alert(key, name, severity, kind, edge, "", new TreeMap<>(), summary, sinceMs);
    }

    /** The same alert at another severity, keeping when it started. */
    Alert withSeverity(String newSeverity, String newSummary) {
        return new Alert(key, name, newSeverity, kind, edge, metric, tags, newSummary, sinceMs);
    }
}
