package io.dualhub.edge.otlp;

import io.dualhub.edge.ingest.BadWriteException;
import io.micronaut.json.JsonMapper;
import io.micronaut.json.tree.JsonNode;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP {@code ExportMetricsServiceRequest} in JSON, as OTLP/HTTP encodes it: the protobuf fields under their
 * lowerCamelCase names, 64-bit integers as decimal strings (numbers are taken too), enums as numbers.
 */
final class OtlpJson {
    private OtlpJson() {}

    static List<OtlpMetrics.Resource> decode(JsonMapper json, byte[] body) {
        JsonNode root;
        try {
            root = json.readValue(body, JsonNode.class);
        } catch (IOException e) {
            throw new BadWriteException("body is not JSON: " + e.getMessage() + "; nothing of this request was stored");
        }
        if (root == null || !root.isObject()) {
            throw new BadWriteException("body is not an OTLP ExportMetricsServiceRequest (a JSON object with"
                    + " resourceMetrics); nothing of this request was stored");
        }
        List<OtlpMetrics.Resource> resources = new ArrayList<>();
        for (JsonNode rm : array(root, "resourceMetrics")) {
            List<OtlpMetrics.Scope> scopes = new ArrayList<>();
            for (JsonNode sm : array(rm, "scopeMetrics")) {
                JsonNode scope = object(sm, "scope");
                List<OtlpMetrics.Metric> metrics = new ArrayList<>();
                for (JsonNode m : array(sm, "metrics")) {
                    metrics.add(metric(m));
                }
                scopes.add(new OtlpMetrics.Scope(text(scope, "name"), text(scope, "version"), metrics));
            }
            resources.add(new OtlpMetrics.Resource(attributes(object(rm, "resource")), scopes));
        }
        return resources;
    }

    private static OtlpMetrics.Metric metric(JsonNode m) {
        for (OtlpMetrics.Kind kind : OtlpMetrics.Kind.values()) {
            JsonNode data = m.get(field(kind));
            if (data != null && data.isObject()) {
                List<OtlpMetrics.DataPoint> points = new ArrayList<>();
                for (JsonNode p : array(data, "dataPoints")) {
                    points.add(dataPoint(p));
                }
                return new OtlpMetrics.Metric(
                        text(m, "name"),
                        text(m, "unit"),
                        kind,
                        (int) integer(data, "aggregationTemporality"),
                        data.get("isMonotonic") != null
                                && data.get("isMonotonic").getBooleanValue(),
                        points);
            }
        }
        return new OtlpMetrics.Metric(text(m, "name"), text(m, "unit"), OtlpMetrics.Kind.NONE, 0, false, List.of());
    }

    private static String field(OtlpMetrics.Kind kind) {
        return switch (kind) {
            case GAUGE -> "gauge";
            case SUM -> "sum";
            case HISTOGRAM -> "histogram";
            case EXPONENTIAL_HISTOGRAM -> "exponentialHistogram";
            case SUMMARY -> "summary";
            case NONE -> "";
        };
    }

    private static OtlpMetrics.DataPoint dataPoint(JsonNode p) {
        double value = p.get("asDouble") != null ? number(p, "asDouble") : integer(p, "asInt");
        List<JsonNode> buckets = array(p, "bucketCounts");
        List<JsonNode> bounds = array(p, "explicitBounds");
        List<JsonNode> quantiles = array(p, "quantileValues");
        return new OtlpMetrics.DataPoint(
                attributes(p),
                integer(p, "timeUnixNano"),
                value,
                (integer(p, "flags") & 1) != 0,
                integer(p, "count"),
                number(p, "sum"),
                buckets.stream().mapToLong(OtlpJson::asInteger).toArray(),
                bounds.stream().mapToDouble(OtlpJson::asNumber).toArray(),
                quantiles.stream().mapToDouble(q -> number(q, "quantile")).toArray(),
                quantiles.stream().mapToDouble(q -> number(q, "value")).toArray());
    }

    private static Map<String, String> attributes(JsonNode holder) {
        Map<String, String> attributes = new LinkedHashMap<>();
        for (JsonNode kv : array(holder, "attributes")) {
            attributes.put(text(kv, "key"), anyValue(object(kv, "value")));
        }
        return attributes;
    }

    private static String anyValue(JsonNode v) {
        for (Map.Entry<String, JsonNode> e : v.entries()) {
            JsonNode value = e.getValue();
            if (e.getKey().equals("arrayValue")) {
                List<String> values = new ArrayList<>();
                array(value, "values").forEach(item -> values.add(anyValue(item)));
                return values.toString();
            }
            if (value.isValueNode() && !value.isNull()) {
                return value.coerceStringValue();
            }
        }
        return "";
    }

    private static List<JsonNode> array(JsonNode holder, String name) {
        JsonNode a = holder == null ? null : holder.get(name);
        List<JsonNode> items = new ArrayList<>();
        if (a != null && a.isArray()) {
            a.values().forEach(items::add);
        }
        return items;
    }

    private static JsonNode object(JsonNode holder, String name) {
        JsonNode o = holder == null ? null : holder.get(name);
        return o != null && o.isObject() ? o : JsonNode.createObjectNode(Map.of());
    }

    private static String text(JsonNode holder, String name) {
        JsonNode t = holder.get(name);
        return t == null || t.isNull() ? "" : t.coerceStringValue();
    }

    private static double number(JsonNode holder, String name) {
        JsonNode n = holder.get(name);
        return n == null || n.isNull() ? 0 : asNumber(n);
    }

    private static long integer(JsonNode holder, String name) {
        JsonNode n = holder.get(name);
        return n == null || n.isNull() ? 0 : asInteger(n);
    }

    /**
     * A 64-bit integer, exactly: OTLP writes them as decimal strings (a number is taken too), which a double would
     * round (nanosecond times are past 2^53).
     */
    private static long asInteger(JsonNode n) {
        String text = n.isNumber() ? n.getNumberValue().toString() : n.coerceStringValue();
        try {
            return Long.parseUnsignedLong(text); // fixed64 times and uint64 counts; the int64 asInt below
        } catch (NumberFormatException notUnsigned) {
            try {
                return Long.parseLong(text);
            } catch (NumberFormatException e) {
                throw new BadWriteException("'" + text + "' is not an integer; nothing of this request was stored");
            }
        }
    }

    /** A number, or a decimal string holding one. */
    private static double asNumber(JsonNode n) {
        if (n.isNumber()) {
            return n.getDoubleValue();
        }
        try {
            return Double.parseDouble(n.coerceStringValue()); // "123", "1.5", "NaN", "Infinity" alike
        } catch (NumberFormatException e) {
            throw new BadWriteException(
                    "'" + n.coerceStringValue() + "' is not a number; nothing of this request was stored");
        }
    }
}
