package io.dualhub.central.store;

import java.io.IOException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;
import java.util.SortedMap;

/**
 * The store's read SQL: a query's points from the tier that answers it, streamed into a sink or only counted, and a
 * tier's rows. Each read runs on a reader connection of its caller's (a duplicate of the writer: DuckDB gives it a
 * snapshot of its own), so any thread may read while the committing thread writes. Stateless.
 */
final class StoreQueries {
    private StoreQueries() {}

    /**
     * The tier that answers a query: raw points for a query without a step, or with one that is not a whole number
     * of minutes; otherwise the coarsest rollup tier whose bucket divides the step. Its answer is the raw one (a step
     * bucket's average is its points' sum over their count), read from fewer rows, and, since each tier is kept at
     * least as long as the finer ones, it covers the longest range.
     */
    static StoreTier tierFor(SeriesQuery q) {
        StoreTier chosen = StoreTier.RAW;
        for (StoreTier tier : StoreTier.values()) {
            if (tier != StoreTier.RAW && q.stepMs() > 0 && q.stepMs() % tier.bucketMs() == 0) {
                chosen = tier;
            }
        }
        return chosen;
    }

    /**
     * Reads the matching series in id order, each followed by its points, straight from the result set into the
     * sink. Every matching series is handed over, also one without points in the range.
     */
    static void read(Connection reader, SeriesQuery q, SortedMap<Integer, SeriesKey> matching, SeriesSink sink)
            throws SQLException, IOException {
        StoreTier tier = tierFor(q);
        try (PreparedStatement ps = reader.prepareStatement(select(q, tier, matching))) {
            bindRange(ps, q, tier);
            try (ResultSet rs = ps.executeQuery()) {
                boolean more = rs.next();
                for (Map.Entry<Integer, SeriesKey> series : matching.entrySet()) {
                    sink.series(series.getValue());
                    while (more && rs.getInt(1) == series.getKey()) {
                        sink.point(rs.getLong(2), rs.getDouble(3));
                        more = rs.next();
                    }
                }
            }
        }
    }

    /** How many points (or step buckets) the query would answer, counted by the engine without reading them. */
    static long count(Connection reader, SeriesQuery q, SortedMap<Integer, SeriesKey> matching) throws SQLException {
        StoreTier tier = tierFor(q);
        try (PreparedStatement ps =
                reader.prepareStatement("SELECT count(*) FROM (" + select(q, tier, matching) + ")")) {
            bindRange(ps, q, tier);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        }
    }

    /** Rows of a tier's table: points, or rollup rows (partial ones until merged). */
    static long rows(Connection reader, StoreTier tier) throws SQLException {
        try (Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + tier.table())) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** The points of the matching series in (series, time) order, from the tier; parameters: from, to. */
    private static String select(SeriesQuery q, StoreTier tier, Map<Integer, SeriesKey> matching) {
        String ids =
                String.join(",", matching.keySet().stream().map(String::valueOf).toList());
        if (tier != StoreTier.RAW) {
            return "SELECT series_id, (bucket // " + q.stepMs() + ") * " + q.stepMs() + " AS b, sum(sum) / sum(count)"
                    + " FROM " + tier.table() + " WHERE series_id IN (" + ids + ") AND bucket BETWEEN ? AND ?"
                    + " GROUP BY 1, 2 ORDER BY 1, 2";
        }
        return q.stepMs() > 0
                ? "SELECT series_id, (ts // " + q.stepMs() + ") * " + q.stepMs() + " AS bucket, avg(value) FROM points"
                        + " WHERE series_id IN (" + ids + ") AND ts BETWEEN ? AND ? GROUP BY 1, 2 ORDER BY 1, 2"
                : "SELECT series_id, ts, value FROM points WHERE series_id IN (" + ids + ") AND ts BETWEEN ? AND ?"
                        + " ORDER BY 1, 2";
    }

    /** A rollup tier answers whole buckets: the one holding {@code from} is read whole. */
    private static void bindRange(PreparedStatement ps, SeriesQuery q, StoreTier tier) throws SQLException {
        ps.setLong(1, tier == StoreTier.RAW ? q.fromMs() : tier.bucket(q.fromMs()));
        ps.setLong(2, q.toMs());
    }
}
