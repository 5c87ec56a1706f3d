package io.dualhub.edge.ingest;

import io.dualhub.common.MetricNames;
import io.dualhub.common.wire.PointLimits;
import java.util.HashMap;
import java.util.Map;
import java.util.SortedMap;

/**
 * The series keys one request has parsed: a line's measurement and tags, the text before its first unescaped space.
 * A request repeats its series line after line (a host's cores, a service's endpoints), so a key seen before is
 * found by its text instead of being scanned, sorted, sanitized and checked again: the same text always parses to the
 * same measurement and tags, and was accepted the first time. A fixed number of slots, the last key in a slot winning,
 * bounds the cache whatever the request holds; a key that lost its slot is only parsed again.
 *
 * <p>Owned by the one thread that parses the request.
 */
final class SeriesKeys {
    private static final int SLOTS = 256;
    /** Field names a key remembers the metric of at most: a line may have many fields, the cache stays small. */
    private static final int FIELDS_PER_KEY = 64;

    private final SeriesKey[] slots = new SeriesKey[SLOTS];

    /** The key written as the characters {@code from} to {@code to} of {@code line}, when this request parsed it. */
    SeriesKey find(String line, int from, int to) {
        int hash = TokenPool.hash(line, from, to);
        SeriesKey known = slots[TokenPool.slot(hash, SLOTS)];
        int length = to - from;
        if (known != null
                && known.hash == hash
                && known.text.length() == length
                && line.regionMatches(from, known.text, 0, length)) {
            return known;
        }
        return null;
    }

    /** Remembers the key written as the characters {@code from} to {@code to} of {@code line}; returns it. */
    SeriesKey remember(String line, int from, int to, String measurement, SortedMap<String, String> tags) {
        int hash = TokenPool.hash(line, from, to);
        SeriesKey key = new SeriesKey(line.substring(from, to), hash, MetricNames.sanitize(measurement), tags);
        slots[TokenPool.slot(hash, SLOTS)] = key;
        return key;
    }

    /**
     * One parsed series key: the measurement as a metric name, the sorted tags every point of the key shares (a point's
     * tags are never changed once made), and the metric name of each field met with it.
     */
    static final class SeriesKey {
        private final String text;
        private final int hash;
        private final String base;
        private final SortedMap<String, String> tags;
        private final Map<String, String> fieldMetrics = new HashMap<>();
        private String lastField; // most lines of a key carry the same one field: found without a lookup
        private String lastMetric;

        private SeriesKey(String text, int hash, String base, SortedMap<String, String> tags) {
            this.text = text;
            this.hash = hash;
            this.base = base;
            this.tags = tags;
        }

        SortedMap<String, String> tags() {
            return tags;
        }

        /**
         * The metric field {@code field} of this key's lines becomes: {@code <measurement>_<field>}, or the
         * measurement itself for a field named {@code value}.
         *
         * @throws IllegalArgumentException saying how, when that name breaks the {@link PointLimits}
         */
        String metric(String field) {
            if (field.equals(lastField)) {
                return lastMetric;
            }
            String metric = fieldMetrics.get(field);
            if (metric == null) {
                metric = newMetric(field);
            }
            lastField = field;
            lastMetric = metric;
            return metric;
        }

        private String newMetric(String field) {
            String metric = field.equals("value") ? base : base + "_" + MetricNames.sanitize(field);
            String violation = PointLimits.metricViolation(metric);
            if (violation != null) {
                throw new IllegalArgumentException(violation);
            }
            if (fieldMetrics.size() < FIELDS_PER_KEY) {
                fieldMetrics.put(field, metric);
            }
            return metric;
        }
    }
}
