package io.dualhub.central.store;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
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

    /**
     * Opens the file (creating or migrating its tables, {@link StoreSchema}) with DuckDB's buffer manager held to
     * {@code memoryLimit} bytes, and prepares the commit's statements.
     */
    static StoreConnection open(Path file, long memoryLimit) throws SQLException {
        DuckDBConnection writer = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + file);
        try {
            try (Statement st = writer.createStatement()) {
                // The store checkpoints by itself, only with room for it (MetricStore.checkpointIfDue): a checkpoint
                // DuckDB starts inside a COMMIT and that fails on a full disk invalidates the database, and after
                // repeated ones it was seen to lose committed rows on reopening (DuckDB 1.1.3).
                st.execute("SET checkpoint_threshold = '1000GB'");
                st.execute("SET memory_limit = '" + memoryLimit + "B'");
                // What DuckDB may spill while it queries. Left to itself it takes 90 % of the space free when it
                // first looks, so a store reopened on a full disk (after a fatal error) kept a limit of a few MB
                // after the space came back, and a query too big for memory failed "failed to offload data block"
                // until the hub restarted. The volume's size instead: past it the disk itself is full.
                long volume = volumeSize(file);
                if (volume > 0) {
                    st.execute("SET max_temp_directory_size = '" + volume + "B'");
                }
            }
            StoreSchema.apply(writer, file);
            // Prepared once: parsing and planning them again in every commit cost about a fifth of a small commit.
            return new StoreConnection(
                    writer, writer.prepareStatement("SELECT 1"), writer.prepareStatement(LedgerCodec.SAVE));
        } catch (SQLException | RuntimeException e) {
            writer.close();
            throw e;
        }
    }

    /**
     * True when DuckDB refused to open the database because an entry of its WAL fails its checksum ("Failure while
     * replaying WAL file ...: Corrupt WAL file: entry at byte position ... computed checksum ... does not match"):
     * that WAL will never replay. Other failures while replaying (out of memory, a read error) are not taken for it:
     * the WAL may replay at the next try, and setting it aside would drop what it holds.
     */
    static boolean walUnreplayable(SQLException e) {
        return e.getMessage() != null && e.getMessage().contains("Corrupt WAL file");
    }

    /** The size of the volume holding {@code file}; 0 when the system does not tell (DuckDB's default then). */
    private static long volumeSize(Path file) {
        try {
            return Files.getFileStore(file.toAbsolutePath().getParent()).getTotalSpace();
        } catch (IOException e) {
            return 0;
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
        try (writer;
                opener;
                saveEdge) {
            // closing them is all there is to do
        }
    }
}
