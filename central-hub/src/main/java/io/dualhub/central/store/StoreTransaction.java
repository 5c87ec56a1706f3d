package io.dualhub.central.store;

import java.sql.SQLException;
import java.sql.Statement;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Beginning and ending a transaction on the store's writing connection, around what DuckDB's JDBC driver gets wrong:
 * it begins a transaction lazily and counts one as running after a COMMIT that failed. Used only by the thread that
 * holds the store's commit lock (the committing thread); holds no state of its own.
 */
final class StoreTransaction {
    private static final Logger LOG = LoggerFactory.getLogger(StoreTransaction.class);

    private StoreTransaction() {}

    /**
     * Opens the transaction before anything is appended: DuckDB's JDBC driver begins one only when a statement runs,
     * and its appender runs none, so rows appended first would commit on their own, apart from the trackers.
     */
    static void begin(StoreConnection db) throws SQLException {
        db.writer().setAutoCommit(false);
        db.opener().execute();
    }

    /**
     * Ends the failed transaction whatever state it is in. After a COMMIT that failed (disk full) DuckDB has ended
     * the transaction but the driver still counts one as running and would begin no new one: a transaction is then
     * opened by hand so that a rollback ends it and resets the driver.
     */
    static void rollback(StoreConnection db) {
        try {
            db.writer().rollback();
        } catch (SQLException noTransaction) {
            try (Statement st = db.writer().createStatement()) {
                st.execute("BEGIN TRANSACTION");
                db.writer().rollback();
            } catch (SQLException e) {
                LOG.warn("could not reset the store's transaction state: {}", e.getMessage());
            }
        }
    }
}
