package io.dualhub.central.store;

import java.nio.file.Path;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * The store's tables and their version, kept in the table {@code schema_version}. At open a store is brought forward
 * to {@link #VERSION} one migration at a time; a store newer than this code is refused (its tables may mean what
 * this code does not know), never changed. Versions:
 * <ol>
 *   <li>series, points, edges (a store from before versions were kept reads as 1);</li>
 *   <li>the rollup tiers, filled from the raw points when migrating, and the maintenance marks.</li>
 * </ol>
 */
final class StoreSchema {
    static final int VERSION = 2;

    private StoreSchema() {
    }

    /** Creates or migrates the schema of the store in {@code file}; refuses one written by a newer version. */
    static void apply(DuckDBConnection writer, Path file) throws SQLException {
        try (Statement st = writer.createStatement()) {
            int stored = storedVersion(st);
            if (stored > VERSION) {
                throw new StoreException("the store " + file + " was written by a newer dualhub (store schema "
                        + stored + "; this CentralHub reads up to " + VERSION + "): upgrade this hub, or start it on"
                        + " another data.dir", null);
            }
            createBase(st);
            for (StoreTier tier : StoreTier.ROLLUPS) {
                st.execute("CREATE TABLE IF NOT EXISTS " + tier.table() + " (" + Rollups.columns() + ")");
                if (stored == 1) {
                    fillRollup(st, tier);
                }
            }
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

    private static boolean tableExists(Statement st, String table) throws SQLException {
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '"
                + table + "'")) {
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
    }

    /** Version 1 to 2: a rollup tier filled from the raw points the store holds, so queries it answers see them. */
    private static void fillRollup(Statement st, StoreTier tier) throws SQLException {
        st.execute("INSERT INTO " + tier.table() + " SELECT series_id, ts // " + tier.bucketMs() + " * "
                + tier.bucketMs() + ", count(*), sum(value), min(value), max(value), arg_max(value, ts), max(ts)"
                + " FROM points GROUP BY series_id, ts // " + tier.bucketMs());
    }
}
