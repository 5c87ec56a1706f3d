package io.dualhub.edge.ingest;

import java.util.Locale;
import java.util.Map;

/**
 * The unit of line-protocol timestamps, from the {@code precision} query parameter: {@code ns|us|ms|s} as InfluxDB
 * 2.x and dualhub's own path take it, or InfluxDB 1.x's {@code n|ns|u|us|ms|s|m|h} on its {@code /write}.
 */
public enum Precision {
    NS(1_000_000L, true),
    US(1_000L, true),
    MS(1L, false),
    S(1_000L, false),
    /** Minutes: InfluxDB 1.x only. */
    M(60_000L, false),
    /** Hours: InfluxDB 1.x only. */
    H(3_600_000L, false);

    private static final Map<String, Precision> V2 = Map.of("ns", NS, "us", US, "ms", MS, "s", S);
    private static final Map<String, Precision> V1 =
            Map.of("n", NS, "ns", NS, "u", US, "us", US, "ms", MS, "s", S, "m", M, "h", H);

    private final long factor;
    private final boolean divide;

    Precision(long factor, boolean divide) {
        this.factor = factor;
        this.divide = divide;
    }

    /** Converts a timestamp in this unit to epoch milliseconds. */
    public long toMillis(long timestamp) {
        return divide ? Math.floorDiv(timestamp, factor) : Math.multiplyExact(timestamp, factor);
    }

    /** Parses {@code ns|us|ms|s} (InfluxDB 2.x's set); null or empty means ns, as in InfluxDB. */
    public static Precision parse(String value) {
        return parse(value, V2, "ns, us, ms, s");
    }

    /** Parses InfluxDB 1.x's {@code n|ns|u|us|ms|s|m|h}; null or empty means ns, as in InfluxDB. */
    public static Precision parseV1(String value) {
        return parse(value, V1, "n, ns, u, us, ms, s, m, h");
    }

    private static Precision parse(String value, Map<String, Precision> known, String valid) {
        if (value == null || value.isEmpty()) {
            return NS;
        }
        Precision unit = known.get(value.toLowerCase(Locale.ROOT));
        if (unit == null) {
            throw new IllegalArgumentException("precision '" + value + "' is not one of " + valid);
        }
        return unit;
    }
}
