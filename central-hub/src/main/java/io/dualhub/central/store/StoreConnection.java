package io.dualhub.central.store;

import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import org.duckdb.DuckDBConnection;

/**
 * The store's one writing connection to its DuckDB file and the statements prepared on it, opened and closed as one:
 * after a fatal engine error DuckDB refuses everything on the database until it is opened again, so the store
 * replaces the whole of it ({@link MetricStore}). Readers take duplicates of {@link #writer()}.
 */
final class StoreConnection implements AutoCloseable {
    private final DuckDBConnection writer;
    private final PreparedStatement opener;
    private final PreparedStatement saveEdge;

    private StoreConnection(DuckDBConnection writer, PreparedStatement opener, PreparedStatement saveEdge) {
        this.writer = writer;
        this.opener = opener;
        this.saveEdge = saveEdge;
    }

    /** Opens the file (creating its tables as needed) and prepares the commit's statements. */
    static StoreConnection open(Path file) throws SQLException {
        DuckDBConnection writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        try {
            try (Statement st = writer.createStatement()) {
                // The store checkpoints by itself, only with room for it (MetricStore.checkpointIfDue): a checkpoint
                // DuckDB starts inside a COMMIT and that fails on a full disk invalidates the database, and after
                // repeated ones it was seen to lose committed rows on reopening (DuckDB 1.1.3).
                st.execute("SET checkpoint_threshold = '1000GB'");
            }
            createSchema(writer);
            // Prepared once: parsing and planning them again in every commit cost about a fifth of a small commit.
            return new StoreConnection(writer, writer.prepareStatement("SELECT 1"), writer.prepareStatement(
                    "INSERT OR REPLACE INTO edges (edge, contiguous_seq, above_seqs, batches, points, duplicates,"
                    + " last_stored_ms, dropped_batches, dropped_points, dropped_ranges, lost_batches, lost_ranges,"
                    + " incarnation, retired_trackers, invalid_batches, invalid_ranges)"
                    + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"));
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    private static void createSchema(DuckDBConnection writer) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS series (id INTEGER PRIMARY KEY, edge VARCHAR NOT NULL,"
                    + " metric VARCHAR NOT NULL, tags VARCHAR NOT NULL)");
            st.execute("CREATE TABLE IF NOT EXISTS points (series_id INTEGER NOT NULL, ts BIGINT NOT NULL,"
                    + " value DOUBLE NOT NULL)");
            for (StoreTier tier : new StoreTier[] {StoreTier.MINUTE, StoreTier.HOUR}) {
                createRollup(st, tier);
            }
            StoreMaintenance.createSchema(st);
            st.execute("CREATE TABLE IF NOT EXISTS edges (edge VARCHAR PRIMARY KEY, contiguous_seq BIGINT NOT NULL,"
                    + " above_seqs VARCHAR NOT NULL, batches BIGINT NOT NULL, points BIGINT NOT NULL,"
                    + " duplicates BIGINT NOT NULL, last_stored_ms BIGINT NOT NULL, dropped_batches BIGINT NOT NULL,"
                    + " dropped_points BIGINT NOT NULL, dropped_ranges VARCHAR NOT NULL, lost_batches BIGINT NOT NULL,"
                    + " lost_ranges VARCHAR NOT NULL, incarnation VARCHAR NOT NULL, retired_trackers VARCHAR NOT NULL)");
            // added later: a store written before them gets them, empty, when it is opened
            st.execute("ALTER TABLE edges ADD COLUMN IF NOT EXISTS invalid_batches BIGINT DEFAULT 0");
            st.execute("ALTER TABLE edges ADD COLUMN IF NOT EXISTS invalid_ranges VARCHAR DEFAULT ''");
        }
    }

    /**
     * Creates a rollup tier's table; in a store written before rollups existed, fills it from the raw points it
     * holds, so that a query answered from the tier sees them.
     */
    private static void createRollup(Statement st, StoreTier tier) throws SQLException {
        boolean exists;
        try (ResultSet rs = st.executeQuery("SELECT count(*) FROM information_schema.tables WHERE table_name = '"
                + tier.table() + "'")) {
            rs.next();
            exists = rs.getLong(1) > 0;
        }
        if (!exists) {
            st.execute("CREATE TABLE " + tier.table() + " (" + Rollups.columns() + ")");
            st.execute("INSERT INTO " + tier.table() + " SELECT series_id, ts // " + tier.bucketMs() + " * "
                    + tier.bucketMs() + ", count(*), sum(value), min(value), max(value), arg_max(value, ts), max(ts)"
                    + " FROM points GROUP BY series_id, ts // " + tier.bucketMs());
        }
    }

    DuckDBConnection writer() {
        return writer;
    }

    PreparedStatement opener() {
        return opener;
    }

    PreparedStatement saveEdge() {
        return saveEdge;
    }

    /** Writes the WAL's contents into the database file and empties the WAL. */
    void checkpoint() throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("CHECKPOINT");
        }
    }

    /** True when the database still answers a query; false after a fatal error invalidated it. */
    boolean answers() {
        try (Statement st = writer.createStatement()) {
            st.execute("SELECT 1");
            return true;
        } catch (SQLException e) {
            return false;
        }
    }

    @Override
    public void close() throws SQLException {
        // The statements, then the connection, each closed even when one before it fails.
        try (writer; opener; saveEdge) {
            // closing them is all there is to do
        }
    }
}
