package io.dualhub.central.api;

import io.dualhub.central.store.SeriesQuery;
import io.dualhub.common.MetricNames;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Turns {@code /api/v1/query} parameters into a {@link SeriesQuery}, naming the parameter that is wrong. */
final class QueryParams {
    private static final Pattern STEP = Pattern.compile("(\\d+)(ms|s|m|h|d)?");

    private QueryParams() {}

    /** The query the parameters ask for; without {@code from}, the {@code defaultRange} back from {@code nowMs}. */
    static SeriesQuery parse(Map<String, List<String>> params, long nowMs, Duration defaultRange) {
        String metric = single(params, "metric");
        if (metric == null || metric.isBlank()) {
            throw new IllegalArgumentException("parameter 'metric' is required, e.g. ?metric=host_load1");
        }
        if (!MetricNames.isValidMetric(metric)) {
            throw new IllegalArgumentException(noSuchName("parameter 'metric'='" + metric + "'", metric));
        }
        Map<String, String> tags = new LinkedHashMap<>();
        params.forEach((k, v) -> {
            if (k.startsWith("tag.") && k.length() > 4 && !v.isEmpty()) {
                tags.put(k.substring(4), v.get(0));
            }
        });
        long from = time(params, "from", nowMs - defaultRange.toMillis());
        long to = time(params, "to", Long.MAX_VALUE);
        if (from > to) {
            throw new IllegalArgumentException("parameter 'from' (" + from + ") is after 'to' (" + to + ")");
        }
        return new SeriesQuery(metric, single(params, "edge"), tags, from, to, step(single(params, "step")));
    }

    /** Why {@code metric} (as {@code what} names it) can have no series, and the name it would be stored under. */
    static String noSuchName(String what, String metric) {
        return what + " names no series: metric names are [a-zA-Z_:][a-zA-Z0-9_:]* (an edge stores a line-protocol"
                + " measurement and field with other characters replaced by '_'), so ask for '"
                + MetricNames.sanitize(metric) + "'";
    }

    private static String single(Map<String, List<String>> params, String name) {
        List<String> v = params.get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    /** Epoch milliseconds, or ISO-8601 ({@code 2026-11-22T10:00:00Z} or with an offset). */
    private static long time(Map<String, List<String>> params, String name, long absent) {
        String v = single(params, name);
        if (v == null || v.isBlank()) {
            return absent;
        }
        try {
            if (v.chars().allMatch(Character::isDigit)) {
                return Long.parseLong(v);
            }
            try {
                return Instant.parse(v).toEpochMilli();
            } catch (DateTimeParseException e) {
                return OffsetDateTime.parse(v).toInstant().toEpochMilli();
            }
        } catch (DateTimeParseException | ArithmeticException | NumberFormatException e) {
            throw new IllegalArgumentException("parameter '" + name + "'='" + v
                    + "' is neither epoch milliseconds nor ISO-8601 like 2026-11-22T10:00:00Z (within a long of ms)");
        }
    }

    private static long step(String v) {
        if (v == null || v.isBlank()) {
            return 0;
        }
        Matcher m = STEP.matcher(v);
        if (m.matches() && m.group(1).length() <= 18) { // fits a long; the product is checked below
            long n = Long.parseLong(m.group(1));
            long unit = switch (m.group(2) == null ? "ms" : m.group(2)) {
                case "ms" -> 1;
                case "s" -> 1_000;
                case "m" -> 60_000;
                case "h" -> 3_600_000;
                default -> 86_400_000;
            };
            if (n > 0 && n <= Long.MAX_VALUE / unit) {
                return n * unit;
            }
        }
        throw new IllegalArgumentException(
                "parameter 'step'='" + v + "' must be a positive duration like 500ms, 10s, 1m, 1h");
    }
}
