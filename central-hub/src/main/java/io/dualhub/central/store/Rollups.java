package io.dualhub.central.store;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;

/**
 * The rollups of one commit: per series and bucket of each rollup tier, the count, sum, min, max and last value of
 * the points the commit stores. They are appended as partial rows in the same transaction as the points, so a
 * rollup counts exactly the points stored, once (a redelivered batch, recognised as a duplicate, adds nothing); a
 * query adds a bucket's partial rows up, and {@link StoreMaintenance} merges them once the bucket is closed. Owned
 * by the committing thread for one commit.
 */
final class Rollups {
    private final List<Map<Key, Aggregate>> byTier = List.of(new HashMap<>(), new HashMap<>());

    private record Key(int seriesId, long bucket) {}

    /** One bucket's running aggregate: what a partial row holds. */
    static final class Aggregate {
        long count;
        double sum;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double last;
        long lastTs = Long.MIN_VALUE;

        void add(long ts, double value) {
            count++;
            sum += value;
            min = Math.min(min, value);
            max = Math.max(max, value);
            if (ts >= lastTs) {
                last = value;
                lastTs = ts;
            }
        }
    }

    void add(int seriesId, long ts, double value) {
        for (int i = 0; i < StoreTier.ROLLUPS.size(); i++) {
            byTier.get(i)
                    .computeIfAbsent(new Key(seriesId, StoreTier.ROLLUPS.get(i).bucket(ts)), k -> new Aggregate())
                    .add(ts, value);
        }
    }

    /** Appends the partial rows to each tier's table, inside the caller's transaction. */
    void appendTo(DuckDBConnection writer) throws SQLException {
        for (int i = 0; i < StoreTier.ROLLUPS.size(); i++) {
            if (byTier.get(i).isEmpty()) {
                continue;
            }
            try (DuckDBAppender rows = writer.createAppender(
                    DuckDBConnection.DEFAULT_SCHEMA, StoreTier.ROLLUPS.get(i).table())) {
                for (Map.Entry<Key, Aggregate> e : byTier.get(i).entrySet()) {
                    Aggregate a = e.getValue();
                    rows.beginRow();
                    rows.append(e.getKey().seriesId());
                    rows.append(e.getKey().bucket());
                    rows.append(a.count);
                    rows.append(a.sum);
                    rows.append(a.min);
                    rows.append(a.max);
                    rows.append(a.last);
                    rows.append(a.lastTs);
                    rows.endRow();
                }
            }
        }
    }

    /** The columns of a rollup table, in the order {@link #appendTo} writes them. */
    static String columns() {
        return "series_id INTEGER NOT NULL, bucket BIGINT NOT NULL, count BIGINT NOT NULL, sum DOUBLE NOT NULL,"
                + " min DOUBLE NOT NULL, max DOUBLE NOT NULL, last DOUBLE NOT NULL, last_ts BIGINT NOT NULL";
    }
}
