package io.dualhub.central.analysis;

import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An active alert: a stable key (one per condition and series), its name as Alertmanager groups it
 * ({@code alertname}, like {@code DualhubAnomaly}), its severity ({@code warning} or {@code critical}), its kind
 * (what the dashboard groups by), the edge it concerns, the series when it concerns one ({@code metric} empty and
 * {@code tags} empty otherwise), a one-line summary and since when it holds. An alert of kind {@link #HUB_KIND} is
 * about the CentralHub that raised it ({@code hub} its instance, {@code edge} empty), not about the fleet: that hub
 * publishes and delivers it itself, leader or not.
 */
public record Alert(
        String key,
        String name,
        String severity,
        String kind,
        String edge,
        String hub,
        String metric,
        SortedMap<String, String> tags,
        String summary,
        long sinceMs) {
    /** The kind of an alert about the hub that raised it. */
    public static final String HUB_KIND = "hub";

    public Alert {
        tags = new TreeMap<>(tags);
    }

    /** True when the hub that raised it sends it, not only the leader. */
    public boolean aboutItsHub() {
        return kind.equals(HUB_KIND);
    }

    /** An alert about the CentralHub {@code instance} itself. */
    public static Alert ofHub(String key, String name, String severity, String instance, String summary, long sinceMs) {
        return new Alert(key, name, severity, HUB_KIND, "", instance, "", new TreeMap<>(), summary, sinceMs);
    }

    /** An alert about an edge as a whole, not one of its series. */
    public static Alert ofEdge(
            String key, String name, String severity, String kind, String edge, String summary, long sinceMs) {
        return new Alert(key, name, severity, kind, edge, "", "", new TreeMap<>(), summary, sinceMs);
    }

    /** The same alert at another severity, keeping when it started. */
    Alert withSeverity(String newSeverity, String newSummary) {
        return new Alert(key, name, newSeverity, kind, edge, hub, metric, tags, newSummary, sinceMs);
    }
}
