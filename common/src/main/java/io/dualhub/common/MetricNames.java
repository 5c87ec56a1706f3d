package io.dualhub.common;

import java.util.regex.Pattern;

/** Prometheus-compatible naming rules for metric names and tags, checked wherever points enter the system. */
public final class MetricNames {
    private static final Pattern METRIC = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]{0,199}");
    public static final int MAX_TAG_VALUE_LENGTH = 1024;
    public static final int MAX_TAGS = 32;

    private MetricNames() {
    }

    public static boolean isValidMetric(String name) {
        return name != null && METRIC.matcher(name).matches();
    }

    /** Replaces characters a metric name may not carry (a line-protocol measurement may hold '.', '-', ...). */
    public static String sanitize(String raw) {
        StringBuilder sb = new StringBuilder(raw.length());
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' || c == ':'
                    || (i > 0 && c >= '0' && c <= '9');
            sb.append(ok ? c : '_');
        }
        return sb.toString();
    }
}
