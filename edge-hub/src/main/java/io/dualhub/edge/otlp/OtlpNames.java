package io.dualhub.edge.otlp;

import java.util.Map;

/**
 * OpenTelemetry's names and units in Prometheus' conventions, as OpenTelemetry's Prometheus compatibility
 * specification lays them out: a character outside {@code [a-zA-Z0-9_:]} (in a label name, also {@code :}) becomes
 * {@code _}, a name starting with a digit gets a leading {@code _}; the unit, in UCUM, becomes a suffix in words
 * ({@code s} → {@code _seconds}, {@code By} → {@code _bytes}, {@code m/s} → {@code _meters_per_second}, a gauge of
 * unit {@code 1} → {@code _ratio}), unless the name ends with it; annotations in braces ({@code {requests}}) are
 * dropped; a monotonic cumulative sum ends in {@code _total}.
 */
final class OtlpNames {
    private static final Map<String, String> UNITS = Map.ofEntries(
            Map.entry("d", "days"),
            Map.entry("h", "hours"),
            Map.entry("min", "minutes"),
            Map.entry("s", "seconds"),
            Map.entry("ms", "milliseconds"),
            Map.entry("us", "microseconds"),
            Map.entry("ns", "nanoseconds"),
            Map.entry("By", "bytes"),
            Map.entry("KiBy", "kibibytes"),
            Map.entry("MiBy", "mebibytes"),
            Map.entry("GiBy", "gibibytes"),
            Map.entry("TiBy", "tibibytes"),
            Map.entry("KBy", "kilobytes"),
            Map.entry("MBy", "megabytes"),
            Map.entry("GBy", "gigabytes"),
            Map.entry("TBy", "terabytes"),
            Map.entry("m", "meters"),
            Map.entry("V", "volts"),
            Map.entry("A", "amperes"),
            Map.entry("J", "joules"),
            Map.entry("W", "watts"),
            Map.entry("g", "grams"),
            Map.entry("Cel", "celsius"),
            Map.entry("Hz", "hertz"),
            Map.entry("%", "percent"));

    private static final Map<String, String> PER =
            Map.of("s", "second", "m", "minute", "h", "hour", "d", "day", "w", "week", "mo", "month", "y", "year");

    private OtlpNames() {}

    /** The Prometheus name of a metric of {@code unit}; {@code counter}: a monotonic cumulative sum. */
    static String metric(String name, String unit, boolean gauge, boolean counter) {
        String base = sanitize(name, true);
        String suffix = unitSuffix(unit, gauge);
        if (!suffix.isEmpty() && !base.endsWith("_" + suffix)) {
            base = base + "_" + suffix;
        }
        if (counter && !base.endsWith("_total")) {
            base = base + "_total";
        }
        return base;
    }

    /** A label name from an attribute key. */
    static String label(String key) {
        return sanitize(key, false);
    }

    static String unitSuffix(String unit, boolean gauge) {
        String u = unit.replaceAll("\\{[^}]*}", "").trim();
        if (u.equals("1")) {
            return gauge ? "ratio" : "";
        }
        if (u.isEmpty()) {
            return "";
        }
        int slash = u.indexOf('/');
        if (slash > 0) {
            String per = PER.getOrDefault(u.substring(slash + 1), sanitize(u.substring(slash + 1), false));
            return word(u.substring(0, slash)) + "_per_" + per;
        }
        return word(u);
    }

    private static String word(String unit) {
        return UNITS.getOrDefault(unit, sanitize(unit, false));
    }

    private static String sanitize(String raw, boolean metric) {
        StringBuilder out = new StringBuilder(raw.length() + 1);
        for (int i = 0; i < raw.length(); i++) {
            char c = raw.charAt(i);
            boolean ok = c >= 'a' && c <= 'z'
                    || c >= 'A' && c <= 'Z'
                    || c >= '0' && c <= '9'
                    || c == '_'
                    || metric && c == ':';
            out.append(ok ? c : '_');
        }
        if (out.length() == 0 || Character.isDigit(out.charAt(0))) {
            out.insert(0, '_');
        }
        return out.toString().replaceAll("__+", "_");
    }
}
