package io.dualhub.central.store;

import java.util.List;

/**
 * Where a query's answer comes from: the raw points, or a rollup tier holding count, sum, min, max and last per
 * series and bucket ({@link Rollups}). Each tier is kept for its own retention ({@link RetentionSettings}).
 */
public enum StoreTier {
    RAW("raw", "points", 0),
    MINUTE("1m", "rollup_1m", 60_000),
    HOUR("1h", "rollup_1h", 3_600_000);

    /** The rollup tiers, finest first. */
    static final List<StoreTier> ROLLUPS = List.of(MINUTE, HOUR);

    private final String label;
    private final String table;
    private final long bucketMs;

    StoreTier(String label, String table, long bucketMs) {
        this.label = label;
        this.table = table;
        this.bucketMs = bucketMs;
    }

    /** The name answers and docs use: {@code raw}, {@code 1m}, {@code 1h}. */
    public String label() {
        return label;
    }

    String table() {
        return table;
    }

    /** The column a row's time is in: a point's timestamp, or a rollup row's bucket start. */
    String timeColumn() {
        return this == RAW ? "ts" : "bucket";
    }

    /** The bucket width of a rollup tier; 0 for raw points. */
    public long bucketMs() {
        return bucketMs;
    }

    /** The start of the bucket that holds {@code timestampMs}. */
    long bucket(long timestampMs) {
        return Math.floorDiv(timestampMs, bucketMs) * bucketMs;
    }
}
