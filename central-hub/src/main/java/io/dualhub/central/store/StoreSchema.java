package io.dualhub.central.store;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The store's tables and their version, kept in the table {@code schema_version}. At open a store is brought forward
 * to {@link #VERSION} one migration at a time; a store newer than this code is refused (its tables may mean what
 * this code does not know), never changed. Versions:
 * <ol>
 *   <li>series, points, edges (a store from before versions were kept reads as 1);</li>
 *   <li>the rollup tiers, filled from the raw points when migrating, and the maintenance marks; within it, each
 *   edge's {@code rolled_points}, equal to its {@code points} whenever this code wrote its row.</li>
 * </ol>
 * A release without rollups (version 1) can still open a version-2 store, as a rollback does: it stores points
 * without their rollups and rewrites the edges' rows without {@code rolled_points}. Opened again by this code, such an
 * edge's rollups are worked out anew from its raw points ({@link #catchUpRollups}).
 */
final class StoreSchema {
    static final int VERSION = 2;
    private static final Logger LOG = LoggerFactory.getLogger(StoreSchema.class);

    private StoreSchema() {}

    /** Creates or migrates the schema of the store in {@code file}; refuses one written by a newer version. */
    static void apply(DuckDBConnection writer, Path file) throws SQLException {
        try (Statement st = writer.createStatement()) {
            int stored = storedVersion(st);
            if (stored > VERSION) {
                throw new StoreException(
                        "the store " + file + " was written by a newer dualhub (store schema "
                                + stored + "; this CentralHub reads up to " + VERSION
                                + "): upgrade this hub, or start it on"
                                + " another data.dir",
                        null);
            }
            // A version-2 store from before rolled_points kept its rollups whole: its edges are only marked.
            boolean rollupsWhole = stored == 1 || stored == 2 && !columnExists(st, "edges", "rolled_points");
            createBase(st);
            for (StoreTier tier : StoreTier.ROLLUPS) {
                st.execute("CREATE TABLE IF NOT EXISTS " + tier.table() + " (" + Rollups.columns() + ")");
                if (stored == 1) {
                    fillRollup(st, tier, "true");
                }
            }
            catchUpRollups(st, rollupsWhole);
            StoreMaintenance.createSchema(st);
            st.execute("CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL)");
            st.execute("DELETE FROM schema_version");
            st.execute("INSERT INTO schema_version VALUES (" + VERSION + ")");
        }
    }

    /**
     * The stored version: 0 for a new file; for a store from before versions were kept, 2 when it has the rollups
     * already (written by the first code that had them), else 1.
     */
    static int storedVersion(Statement st) throws SQLException {
        if (tableExists(st, "schema_version")) {
            try (ResultSet rs = st.executeQuery("SELECT max(version) FROM schema_version")) {
                rs.next();
                return rs.getInt(1);
            }
        }
        return tableExists(st, StoreTier.MINUTE.table()) ? 2 : tableExists(st, "points") ? 1 : 0;
    }

    /** Whether the store's own database (not one attached beside it, as a backup is) has the table. */
    static boolean tableExists(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '"
                + table + "' AND table_catalog = current_database()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static boolean columnExists(Statement st, String table, String column) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.columns WHERE table_name = '"
                + table + "' AND column_name = '" + column + "' AND table_catalog = current_database()")) {
            rs.next();
            return rs.getLong(1) > 0;
        }
    }

    private static void createBase(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, edge VARCHAR NOT NULL,"
                + " metric VARCHAR NOT NULL, tags VARCHAR NOT NULL)");
        st.execute("CREATE TABLE IF NOT EXISTS points (series_id INTEGER NOT NULL, ts BIGINT NOT NULL,"
                + " value DOUBLE NOT NULL)");
        st.execute("CREATE TABLE IF NOT EXISTS edges (edge VARCHAR PRIMARY KEY, contiguous_seq BIGINT NOT NULL,"
                + " above_seqs VARCHAR NOT NULL, batches BIGINT NOT NULL, points BIGINT NOT NULL,"
                + " duplicates BIGINT NOT NULL, last_stored_ms BIGINT NOT NULL, dropped_batches BIGINT NOT NULL,"
                + " dropped_points BIGINT NOT NULL, dropped_ranges VARCHAR NOT NULL, lost_batches BIGINT NOT NULL,"
                + " lost_ranges VARCHAR NOT NULL, incarnation VARCHAR NOT NULL, retired_trackers VARCHAR NOT NULL)");
        // added within version 1: a store written before them gets them, empty, when it is opened
        st.execute("ALTER TABLE edges ADD COLUMN IF NOT EXISTS invalid_batches BIGINT DEFAULT 0");
        st.execute("ALTER TABLE edges ADD COLUMN IF NOT EXISTS invalid_ranges VARCHAR DEFAULT ''");
        // within version 2, without a default: a release that does not know it leaves it empty when it writes a row
        st.execute("ALTER TABLE edges ADD COLUMN IF NOT EXISTS rolled_points BIGINT");
    }

    /**
     * Every edge whose row another release wrote (its {@code rolled_points} is not its {@code points}) gets its
     * rollups worked out again from its raw points: all of them while it still has every raw point it stored, else in
     * every bucket after the one holding its oldest raw point (that one, and older ones, lost raw points to retention
     * or the disk budget, and keep their rollups as they are; points that release stored in them stay out). Just
     * after the migration from version 1 (which filled every rollup), or when the column is new to a version-2
     * store, the edges are only marked.
     */
    private static void catchUpRollups(Statement st, boolean rollupsWhole) throws SQLException {
        Map<String, Long> behind = new LinkedHashMap<>(); // edge -> points it stored
        try (ResultSet rs =
                st.executeQuery("SELECT edge, points FROM edges WHERE rolled_points IS DISTINCT FROM" + " points")) {
            while (rs.next()) {
                behind.put(rs.getString(1), rs.getLong(2));
            }
        }
        for (Map.Entry<String, Long> edge : behind.entrySet()) {
            String quoted = "'" + edge.getKey().replace("'", "''") + "'";
            String ofEdge = "series_id IN (SELECT id FROM series WHERE edge = " + quoted + ")";
            long raw;
            long oldest;
            try (ResultSet rs = st.executeQuery("SELECT count(*), min(ts) FROM points WHERE " + ofEdge)) {
                rs.next();
                raw = rs.getLong(1);
                oldest = rs.getLong(2);
            }
            // With no raw point left there is nothing to work out again: the rollups stay as they are. A crash in
            // between leaves rolled_points unequal, so the next open does the same again.
            if (!rollupsWhole && raw > 0) {
                for (StoreTier tier : StoreTier.ROLLUPS) {
                    long after = raw == edge.getValue() ? Long.MIN_VALUE : tier.bucket(oldest) + tier.bucketMs();
                    st.execute("DELETE FROM " + tier.table() + " WHERE " + ofEdge + " AND bucket >= " + after);
                    fillRollup(st, tier, ofEdge + " AND ts >= " + after);
                }
                LOG.warn(
                        "edge {}: rollups worked out again from its raw points (another release stored some of them"
                                + " without rollups)",
                        edge.getKey());
            }
            st.execute("UPDATE edges SET rolled_points = points WHERE edge = " + quoted);
        }
    }

    /** Version 1 to 2: a rollup tier filled from the raw points the store holds, so queries it answers see them. */
    private static void fillRollup(Statement st, StoreTier tier, String where) throws SQLException {
        st.execute("INSERT INTO " + tier.table() + " SELECT series_id, ts // " + tier.bucketMs() + " * "
                + tier.bucketMs() + ", count(*), sum(value), min(value), max(value), arg_max(value, ts), max(ts)"
                + " FROM points WHERE " + where + " GROUP BY series_id, ts // " + tier.bucketMs());
    }
}
