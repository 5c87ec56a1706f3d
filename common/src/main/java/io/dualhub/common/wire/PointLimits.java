package io.dualhub.common.wire;

import io.dualhub.common.MetricNames;
import java.util.List;
import java.util.Map;

/**
 * The bounds every point keeps, one set for both ends: the edge checks them as points come in (a writer hears the
 * line, the field and the bound with its 400) and the CentralHub checks them again for every batch it receives. So
 * a point the edge answered 2xx for is never one the hub refuses.
 *
 * <ul>
 *   <li>metric name: {@code [a-zA-Z_:][a-zA-Z0-9_:]*}, at most {@value MetricNames#MAX_METRIC_LENGTH} characters;
 *   <li>tags: at most {@value MetricNames#MAX_TAGS}; a key in the metric name's characters, at most
 *       {@value MetricNames#MAX_TAG_KEY_LENGTH}, not {@code edge} and not starting {@code __} (both the hub's own);
 *       a value of any text, at most {@value MetricNames#MAX_TAG_VALUE_LENGTH} characters;
 *   <li>timestamp: from {@link #MIN_TIMESTAMP_MS} (1677-09-21) to {@link #MAX_TIMESTAMP_MS} (2262-04-11), the range
 *       of InfluxDB's signed 64-bit nanoseconds: a millisecond timestamp sent with {@code precision=s} lands in the
 *       year 55,000 and is refused rather than stored there;
 *   <li>value: a finite number.
 * </ul>
 */
public final class PointLimits {
    public static final long MIN_TIMESTAMP_MS = Long.MIN_VALUE / 1_000_000;
    public static final long MAX_TIMESTAMP_MS = Long.MAX_VALUE / 1_000_000;
    public static final String TIMESTAMP_RANGE = "1677-09-21..2262-04-11";

    private PointLimits() {}

    /** Why the metric name is not valid, or null. */
    public static String metricViolation(String metric) {
        if (MetricNames.isValidMetric(metric)) {
            return null;
        }
        return metric.length() > MetricNames.MAX_METRIC_LENGTH
                ? "metric name '" + metric.substring(0, 20) + "...' is longer than " + MetricNames.MAX_METRIC_LENGTH
                        + " characters (" + metric.length() + ")"
                : "metric name '" + metric + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*";
    }

    /** Why the tags break a bound (naming the tag), or null. */
    public static String tagsViolation(Map<String, String> tags) {
        if (tags.size() > MetricNames.MAX_TAGS) {
            return "more than " + MetricNames.MAX_TAGS + " tags (" + tags.size() + ")";
        }
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            String key = tag.getKey();
            if (key.length() > MetricNames.MAX_TAG_KEY_LENGTH) {
                return "tag key '" + key.substring(0, 20) + "...' is longer than " + MetricNames.MAX_TAG_KEY_LENGTH
                        + " characters (" + key.length() + ")";
            }
            if (!MetricNames.isValidMetric(key)) {
                return "tag key '" + key + "' is not [a-zA-Z_:][a-zA-Z0-9_:]*";
            }
            if (key.startsWith("__") || key.equals("edge")) {
                return "tag key '" + key + "' is reserved (edge, and keys starting __)";
            }
            if (tag.getValue().length() > MetricNames.MAX_TAG_VALUE_LENGTH) {
                return "value of tag '" + key + "' is longer than " + MetricNames.MAX_TAG_VALUE_LENGTH + " characters ("
                        + tag.getValue().length() + ")";
            }
        }
        return null;
    }

    /** Why the timestamp is out of range, or null. */
    public static String timestampViolation(long timestampMs) {
        if (timestampMs >= MIN_TIMESTAMP_MS && timestampMs <= MAX_TIMESTAMP_MS) {
            return null;
        }
        return "timestamp " + timestampMs + " ms is outside " + TIMESTAMP_RANGE + " (" + MIN_TIMESTAMP_MS + ".."
                + MAX_TIMESTAMP_MS + " ms): is the precision right?";
    }

    /**
     * Why the value is neither a finite number nor a staleness marker (the NaN of {@link Point#STALE_MARKER_BITS}),
     * or null: any other NaN, or an infinity, is refused here, whichever input let it through.
     */
    public static String valueViolation(double value) {
        return Double.isFinite(value) || Double.doubleToRawLongBits(value) == Point.STALE_MARKER_BITS
                ? null
                : "value " + value + " is not a finite number";
    }

    /** Why one point breaks a bound, or null when it keeps them all. */
    public static String violation(Point p) {
        return violation(p, true, true);
    }

    /**
     * The first bound a batch's points break ("point 3: ..."), or null. A decoded batch shares one String per metric
     * name and one map per tag set (BatchCodec), so each of those is checked once per batch, not once per point: this
     * runs for every point the CentralHub stores.
     */
    public static String violation(List<Point> points) {
        SameObjects<Boolean> metrics = new SameObjects<>(); // apart, so each has its few scanned slots
        SameObjects<Boolean> tagSets = new SameObjects<>();
        for (int i = 0; i < points.size(); i++) {
            Point p = points.get(i);
            String v = violation(p, firstTime(metrics, p.metric()), firstTime(tagSets, p.tags()));
            if (v != null) {
                return "point " + i + ": " + v;
            }
        }
        return null;
    }

    private static String violation(Point p, boolean checkMetric, boolean checkTags) {
        String v = checkMetric ? metricViolation(p.metric()) : null;
        if (v == null && checkTags) {
            v = tagsViolation(p.tags());
        }
        if (v == null) {
            v = timestampViolation(p.timestampMs());
        }
        return v != null ? v : valueViolation(p.value());
    }

    /** True the first time {@code o} itself is seen in {@code seen}; remembers it. */
    private static boolean firstTime(SameObjects<Boolean> seen, Object o) {
        if (seen.get(o, null) != null) {
            return false;
        }
        seen.put(o, null, Boolean.TRUE);
        return true;
    }
}
