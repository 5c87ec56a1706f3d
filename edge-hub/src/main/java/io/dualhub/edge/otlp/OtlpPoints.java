package io.dualhub.edge.otlp;

import io.dualhub.common.config.Settings;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import io.dualhub.edge.ingest.BadWriteException;
import io.micronaut.json.JsonMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Turns OTLP metrics into points, by OpenTelemetry's Prometheus compatibility rules:
 *
 * <ul>
 *   <li>names and units as {@link OtlpNames} says; data point attributes become labels;
 *   <li>resource attribute {@code service.name} (with {@code service.namespace}: {@code namespace/name}) is the
 *       label {@code job}, {@code service.instance.id} the label {@code instance}; the other resource attributes go to
 *       one {@code target_info} point (value 1) per resource; the scope's name and version are the labels
 *       {@code otel_scope_name} and {@code otel_scope_version};
 *   <li>a gauge is its value; a monotonic cumulative sum is a counter ({@code _total}); a sum that is not monotonic is
 *       a gauge; a cumulative histogram is {@code _bucket{le}} (counts made cumulative, {@code +Inf} the count),
 *       {@code _sum} and {@code _count}; a summary is {@code {quantile}}, {@code _sum} and {@code _count};
 *   <li>a point flagged as having no recorded value is a staleness marker ({@link Point#staleMarker}) for each of
 *       those series (of a summary: {@code _sum} and {@code _count}, as such a point names no quantiles);
 *   <li>not taken, and counted as rejected with the reason: delta sums and histograms (the edge does not keep running
 *       totals: export cumulative temporality), exponential histograms, values that are not finite numbers.
 * </ul>
 *
 * A point breaking the point bounds refuses the whole request, naming the metric. One per request.
 */
public final class OtlpPoints {
    private final List<Point> points = new ArrayList<>();
    private long rejected;
    private String firstRejection;
    private boolean noValue; // the point being added is flagged as having no recorded value: its series end

    /**
     * The points of an OTLP export body: JSON when {@code json} is given (the mapper to read it with), else protobuf.
     *
     * @throws BadWriteException when the body cannot be read, or a point breaks the point bounds
     */
    public static OtlpPoints read(byte[] body, JsonMapper json) {
        return new OtlpPoints().add(json != null ? OtlpJson.decode(json, body) : OtlpProtobuf.decode(body));
    }

    public List<Point> points() {
        return points;
    }

    /** Data points not taken. */
    public long rejected() {
        return rejected;
    }

    /** Why the first of them was not taken; null when none was rejected. */
    public String firstRejection() {
        return firstRejection;
    }

    OtlpPoints add(List<OtlpMetrics.Resource> resources) {
        for (OtlpMetrics.Resource resource : resources) {
            SortedMap<String, String> target = targetLabels(resource.attributes());
            long newest = Long.MIN_VALUE;
            for (OtlpMetrics.Scope scope : resource.scopes()) {
                SortedMap<String, String> scoped = new TreeMap<>(target);
                if (!scope.name().isEmpty()) {
                    scoped.put("otel_scope_name", scope.name());
                }
                if (!scope.version().isEmpty()) {
                    scoped.put("otel_scope_version", scope.version());
                }
                for (OtlpMetrics.Metric metric : scope.metrics()) {
                    newest = Math.max(newest, metric(metric, scoped));
                }
            }
            targetInfo(resource.attributes(), target, newest);
        }
        return this;
    }

    private static SortedMap<String, String> targetLabels(Map<String, String> attributes) {
        SortedMap<String, String> labels = new TreeMap<>();
        String service = attributes.get("service.name");
        if (service != null) {
            String namespace = attributes.get("service.namespace");
            labels.put("job", namespace == null ? service : namespace + "/" + service);
        }
        String instance = attributes.get("service.instance.id");
        if (instance != null) {
            labels.put("instance", instance);
        }
        return labels;
    }

    /** {@code target_info} with the resource's other attributes, at the time of its newest point. */
    private void targetInfo(Map<String, String> attributes, SortedMap<String, String> target, long timeMs) {
        SortedMap<String, String> labels = new TreeMap<>(target);
        attributes.forEach((key, value) -> {
            if (!key.equals("service.name") && !key.equals("service.namespace") && !key.equals("service.instance.id")) {
                labels.put(OtlpNames.label(key), value);
            }
        });
        if (labels.size() > target.size() && timeMs != Long.MIN_VALUE) {
            add("target_info", labels, timeMs, 1);
        }
    }

    /** Adds one metric's points; returns the newest point's time in ms (Long.MIN_VALUE: none). */
    private long metric(OtlpMetrics.Metric m, SortedMap<String, String> scoped) {
        long newest = Long.MIN_VALUE;
        for (OtlpMetrics.DataPoint p : m.points()) {
            String why = rejection(m, p);
            if (why != null) {
                reject(m.name(), why);
                continue;
            }
            SortedMap<String, String> labels = new TreeMap<>(scoped);
            p.attributes().forEach((k, v) -> labels.put(OtlpNames.label(k), v));
            labels.remove("edge"); // the hub's own; kept as exported_edge below
            if (p.attributes().containsKey("edge")) {
                labels.put("exported_edge", p.attributes().get("edge"));
            }
            long ms = p.timeUnixNano() / 1_000_000;
            newest = Math.max(newest, ms);
            noValue = p.noValue();
            switch (m.kind()) {
                case GAUGE -> add(OtlpNames.metric(m.name(), m.unit(), true, false), labels, ms, p.value());
                case SUM ->
                    add(OtlpNames.metric(m.name(), m.unit(), !m.monotonic(), m.monotonic()), labels, ms, p.value());
                case HISTOGRAM -> histogram(OtlpNames.metric(m.name(), m.unit(), false, false), labels, ms, p);
                default -> summary(OtlpNames.metric(m.name(), m.unit(), false, false), labels, ms, p);
            }
        }
        noValue = false;
        return newest;
    }

    private static String rejection(OtlpMetrics.Metric m, OtlpMetrics.DataPoint p) {
        return switch (m.kind()) {
            case NONE -> "it has no data (gauge, sum, histogram or summary)";
            case EXPONENTIAL_HISTOGRAM -> "exponential histograms are not taken: export explicit-bucket histograms";
            case SUM, HISTOGRAM ->
                m.temporality() == OtlpMetrics.DELTA
                        ? "delta temporality is not taken: export cumulative temporality"
                                + " (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=cumulative)"
                        : null;
            default -> null;
        };
    }

    private void histogram(String name, SortedMap<String, String> labels, long ms, OtlpMetrics.DataPoint p) {
        long cumulative = 0;
        int buckets = noValue ? p.bounds().length + 1 : p.bucketCounts().length; // no value: no counts either
        for (int i = 0; i < buckets; i++) {
            cumulative += i < p.bucketCounts().length ? p.bucketCounts()[i] : 0;
            String le = i < p.bounds().length ? Settings.text(p.bounds()[i]) : "+Inf";
            add(name + "_bucket", with(labels, "le", le), ms, cumulative);
        }
        if (buckets <= p.bounds().length) {
            add(name + "_bucket", with(labels, "le", "+Inf"), ms, p.count());
        }
        add(name + "_sum", labels, ms, p.sum());
        add(name + "_count", labels, ms, p.count());
    }

    private void summary(String name, SortedMap<String, String> labels, long ms, OtlpMetrics.DataPoint p) {
        for (int i = 0; i < p.quantiles().length; i++) {
            add(name, with(labels, "quantile", Settings.text(p.quantiles()[i])), ms, p.quantileValues()[i]);
        }
        add(name + "_sum", labels, ms, p.sum());
        add(name + "_count", labels, ms, p.count());
    }

    private static SortedMap<String, String> with(SortedMap<String, String> labels, String key, String value) {
        SortedMap<String, String> more = new TreeMap<>(labels);
        more.put(key, value);
        return more;
    }

    private void add(String metric, SortedMap<String, String> labels, long ms, double value) {
        if (!noValue && !Double.isFinite(value)) {
            reject(metric, "value " + value + " is not a finite number");
            return;
        }
        Point point = noValue ? Point.staleMarker(metric, labels, ms) : new Point(metric, labels, ms, value);
        String violation = PointLimits.violation(point);
        if (violation != null) {
            throw new BadWriteException(
                    "metric " + metric + labels + ": " + violation + "; nothing of this request was stored");
        }
        points.add(point);
    }

    private void reject(String metric, String why) {
        rejected++;
        if (firstRejection == null) {
            firstRejection = "metric " + metric + ": " + why;
        }
    }
}
