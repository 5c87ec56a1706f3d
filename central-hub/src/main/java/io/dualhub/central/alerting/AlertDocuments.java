package io.dualhub.central.alerting;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.central.analysis.Alert;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Alerts as Alertmanager reads them: labels {@code alertname}, {@code severity}, {@code edge} (or {@code hub}, for an
 * alert about a CentralHub), {@code metric} and the series' tags (a tag never replaces one of those), annotations
 * {@code summary}, {@code description} and {@code dashboard} (the edge's dashboard page), {@code startsAt},
 * {@code endsAt} and {@code generatorURL}; for webhooks the same alert wrapped in Alertmanager's webhook document
 * (version 4), so a receiver written for Alertmanager's webhooks reads ours.
 */
final class AlertDocuments {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Set<String> OWN_LABELS = Set.of("alertname", "severity", "edge", "hub", "metric");
    private final URI externalUrl;

    AlertDocuments(URI externalUrl) {
        this.externalUrl = externalUrl;
    }

    /** {@code POST /api/v2/alerts}'s body: a list of alerts. */
    byte[] alertmanager(List<Map<String, Object>> alerts) {
        return json(alerts);
    }

    /** One alert for Alertmanager; {@code endsAtMs} in the future while it fires, its resolution time after. */
    Map<String, Object> alert(Alert alert, long endsAtMs) {
        return alert(alert, labels(alert), annotations(alert), endsAtMs);
    }

    private Map<String, Object> alert(
            Alert alert, Map<String, String> labels, Map<String, String> annotations, long endsAtMs) {
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("labels", labels);
        doc.put("annotations", annotations);
        doc.put("startsAt", Instant.ofEpochMilli(alert.sinceMs()).toString());
        doc.put("endsAt", Instant.ofEpochMilli(endsAtMs).toString());
        doc.put("generatorURL", link("#/alerts"));
        return doc;
    }

    /** A webhook's body for one change, in Alertmanager's webhook format. */
    byte[] webhook(Alert alert, boolean firing, long endsAtMs) {
        Map<String, String> labels = labels(alert);
        Map<String, String> annotations = annotations(alert);
        Map<String, Object> one = alert(alert, labels, annotations, firing ? 0 : endsAtMs);
        if (firing) {
            one.put("endsAt", "0001-01-01T00:00:00Z"); // what Alertmanager sends for an alert with no end yet
        }
        String status = firing ? "firing" : "resolved";
        one.put("status", status);
        one.put("fingerprint", fingerprint(labels));
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("version", "4");
        doc.put("groupKey", "dualhub:" + alert.key());
        doc.put("truncatedAlerts", 0);
        doc.put("status", status);
        doc.put("receiver", "dualhub");
        doc.put("groupLabels", Map.of("alertname", alert.name()));
        doc.put("commonLabels", labels);
        doc.put("commonAnnotations", annotations);
        doc.put("externalURL", externalUrl.toString());
        doc.put("alerts", List.of(one));
        return json(doc);
    }

    static Map<String, String> labels(Alert alert) {
        Map<String, String> labels = new TreeMap<>();
        alert.tags().forEach((k, v) -> {
            if (!OWN_LABELS.contains(k)) {
                labels.put(k, v);
            }
        });
        labels.put("alertname", alert.name());
        labels.put("severity", alert.severity());
        if (!alert.edge().isEmpty()) {
            labels.put("edge", alert.edge());
        }
        if (!alert.hub().isEmpty()) {
            labels.put("hub", alert.hub());
        }
        if (!alert.metric().isEmpty()) {
            labels.put("metric", alert.metric());
        }
        return labels;
    }

    private Map<String, String> annotations(Alert alert) {
        Map<String, String> annotations = new LinkedHashMap<>();
        annotations.put("summary", alert.summary());
        annotations.put(
                "description",
                alert.summary() + ". Since " + Instant.ofEpochMilli(alert.sinceMs()) + "; a " + alert.kind()
                        + " alert of dualhub's CentralHub.");
        annotations.put(
                "dashboard",
                alert.edge().isEmpty()
                        ? link("#/pipeline")
                        : link("#/edge/" + URLEncoder.encode(alert.edge(), StandardCharsets.UTF_8)));
        return annotations;
    }

    private String link(String fragment) {
        String base = externalUrl.toString();
        return (base.endsWith("/") ? base : base + "/") + fragment;
    }

    /** A stable 64-bit FNV-1a hash of the label names and values, in hex: one per label set. */
    private static String fingerprint(Map<String, String> labels) {
        long hash = 0xcbf29ce484222325L;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            for (String part : new String[] {e.getKey(), e.getValue()}) {
                for (byte b : part.getBytes(StandardCharsets.UTF_8)) {
                    hash = (hash ^ (b & 0xff)) * 0x100000001b3L;
                }
                hash = (hash ^ 0xff) * 0x100000001b3L;
            }
        }
        return String.format("%016x", hash);
    }

    private static byte[] json(Object doc) {
        try {
            return JSON.writeValueAsBytes(doc);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("BUG: an alert document is not serialisable", e);
        }
    }
}
