package io.dualhub.edge.ingest;

import java.util.Arrays;

/** The unit of line-protocol timestamps, from the {@code precision} query parameter. */
public enum Precision {
    NS(1_000_000L, true),
    US(1_000L, true),
    MS(1L, false),
    S(1_000L, false);

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

    /** Parses {@code ns|us|ms|s}; null or empty means ns, as in InfluxDB. */
    public static Precision parse(String value) {
        if (value == null || value.isEmpty()) {
            return NS;
        }
        return Arrays.stream(values())
                .filter(p -> p.name().equalsIgnoreCase(value))
                .findFirst()
                .orElseThrow(
                        () -> new IllegalArgumentException("precision '" + value + "' is not one of ns, us, ms, s"));
    }
}
