package io.dualhub.common;

/** Prometheus-compatible naming rules for metric names and tags, checked wherever points enter the system. */
public final class MetricNames {
    /** A metric name's length at most, as Prometheus' {@code [a-zA-Z_:][a-zA-Z0-9_:]*} with a bound. */
    public static final int MAX_METRIC_LENGTH = 200;

    public static final int MAX_TAG_KEY_LENGTH = 200;
    public static final int MAX_TAG_VALUE_LENGTH = 1024;
    public static final int MAX_TAGS = 32;

    private MetricNames() {}

    /** {@code [a-zA-Z_:][a-zA-Z0-9_:]{0,199}}, checked by hand: it runs for every point the CentralHub decodes. */
    public static boolean isValidMetric(String name) {
        if (name == null || name.isEmpty() || name.length() > MAX_METRIC_LENGTH) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            if (!isMetricChar(name.charAt(i), i)) {
                return false;
            }
        }
        return true;
    }

    private static boolean isMetricChar(char c, int position) {
        return (c >= 'a' && c <= 'z')
                || (c >= 'A' && c <= 'Z')
                || c == '_'
                || c == ':'
                || (position > 0 && c >= '0' && c <= '9');
    }

    /** Replaces characters a metric name may not carry (a line-protocol measurement may hold '.', '-', ...). */
    public static String sanitize(String raw) {
        if (isValidMetric(raw)) {
            return raw; // the usual case, and it runs for every line written to an edge
        }
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            sb.append(isMetricChar(c, i) ? c : '_');
        }
        return sb.toString();
    }
}
