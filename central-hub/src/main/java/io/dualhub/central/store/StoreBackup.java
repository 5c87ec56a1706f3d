package io.dualhub.central.store;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A backup of the store is a DuckDB database file made by DuckDB itself ({@code COPY FROM DATABASE} into an attached
 * file, in one read transaction: a consistent snapshot that does not hold up commits), plus the table
 * {@code restore_point} that says where a hub started on it reads the streams from ({@link RestorePoint}). The file
 * is a store a CentralHub opens as it is; at its first connection to NATS the hub moves its durable consumers to
 * the restore point and drops the table.
 */
final class StoreBackup {
    static final String TABLE = "restore_point";

    private StoreBackup() {}

    /** Writes a snapshot of the store behind {@code reader} into the new file {@code target}. */
    static void write(Connection reader, Path target, RestorePoint point) throws SQLException {
        String alias = "backup_" + Long.toUnsignedString(System.nanoTime());
        try (Statement st = reader.createStatement()) {
            String source;
            try (ResultSet rs = st.executeQuery("SELECT current_database()")) {
                rs.next();
                source = rs.getString(1);
            }
            st.execute("ATTACH '" + target.toString().replace("'", "''") + "' AS " + alias);
            try {
                try {
                    reader.setAutoCommit(false);
                    st.execute("COPY FROM DATABASE \"" + source + "\" TO " + alias);
                    record(reader, alias + "." + TABLE, point);
                    reader.commit();
                } catch (SQLException | RuntimeException e) {
                    reader.rollback();
                    throw e;
                } finally {
                    reader.setAutoCommit(true);
                }
                // Into the file itself, now: the store's connection never checkpoints by itself, and DuckDB 1.1
                // postpones a DETACH (and the checkpoint that comes with it) while any transaction of the instance
                // is open, so the data would sit in the WAL beside the file while the file is sent, and be
                // checkpointed into it at some moment during the sending.
                st.execute("CHECKPOINT " + alias);
            } finally {
                st.execute("DETACH " + alias);
            }
        }
    }

    /**
     * Makes {@code point} the restore point of the store this connection writes to (statement by statement: a caller
     * that must survive a crash in between keeps its own mark until this returned).
     */
    static void record(Connection writer, RestorePoint point) throws SQLException {
        record(writer, TABLE, point);
    }

    private static void record(Connection db, String table, RestorePoint point) throws SQLException {
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TABLE IF NOT EXISTS " + table
                    + " (source VARCHAR NOT NULL, taken_at_ms BIGINT NOT NULL, stream VARCHAR NOT NULL,"
                    + " next_seq BIGINT NOT NULL)");
            st.execute("DELETE FROM " + table);
        }
        try (PreparedStatement ps = db.prepareStatement("INSERT INTO " + table + " VALUES (?, ?, ?, ?)")) {
            for (Map.Entry<String, Long> e : point.nextSeq().entrySet()) {
                ps.setString(1, point.source());
                ps.setLong(2, point.takenAtMs());
                ps.setString(3, e.getKey());
                ps.setLong(4, e.getValue());
                ps.execute();
            }
        }
    }

    /** The restore point a store holds, or null when it holds none (it was not restored, or it was applied). */
    static RestorePoint pending(Connection db) throws SQLException {
        try (Statement st = db.createStatement()) {
            if (!StoreSchema.tableExists(st, TABLE)) {
                return null;
            }
            String source = null;
            long takenAt = 0;
            Map<String, Long> next = new HashMap<>();
            try (ResultSet rs = st.executeQuery("SELECT source, taken_at_ms, stream, next_seq FROM " + TABLE)) {
                while (rs.next()) {
                    source = rs.getString(1);
                    takenAt = rs.getLong(2);
                    next.put(rs.getString(3), rs.getLong(4));
                }
            }
            return source == null ? null : new RestorePoint(source, takenAt, next);
        }
    }

    /** Drops the restore point once the consumers were moved to it. */
    static void applied(Connection writer) throws SQLException {
        try (Statement st = writer.createStatement()) {
            st.execute("DROP TABLE IF EXISTS " + TABLE);
        }
    }

    /**
     * Reads a backup file without changing it; refuses a file that is not a DuckDB database, holds no restore point
     * (not made by {@code ./dualhub backup}), or was written by a newer store schema.
     */
    static BackupContents inspect(Path file) {
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " is not a file");
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection db = DriverManager.getConnection("jdbc:duckdb:" + file, readOnly);
                Statement st = db.createStatement()) {
            RestorePoint point = pending(db);
            if (point == null) {
                throw new IllegalArgumentException(file + " is a DuckDB database but not a dualhub backup (it has no "
                        + TABLE + " table): make one with ./dualhub backup --central URL --out FILE");
            }
            int version = StoreSchema.storedVersion(st);
            if (version > StoreSchema.VERSION) {
                throw new IllegalArgumentException(file + " holds store schema " + version + ", newer than this"
                        + " dualhub reads (" + StoreSchema.VERSION + "): restore it with the dualhub that made it");
            }
            return new BackupContents(
                    point,
                    count(st, "SELECT count(*) FROM points"),
                    (int) count(st, "SELECT count(*) FROM edges"),
                    version);
        } catch (SQLException e) {
            throw new IllegalArgumentException(file + " is not a readable DuckDB database: " + e.getMessage(), e);
        }
    }

    private static long count(Statement st, String sql) throws SQLException {
        try (ResultSet rs = st.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
