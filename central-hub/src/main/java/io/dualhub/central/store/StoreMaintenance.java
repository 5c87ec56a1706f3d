package io.dualhub.central.store;

import java.io.IOException;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.EnumMap;
import java.util.Map;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the store inside its retention and its disk budget. Run by the committing thread between commits (DuckDB
 * has one writer), each step its own transaction:
 * <ol>
 *   <li>deletes raw points, then rollup rows, older than their tier's retention (by the points' own time);</li>
 *   <li>merges each closed bucket's partial rollup rows ({@link Rollups}) into one row: the aggregates are those of
 *       the partials, so a merge changes no answer; what was merged is kept in the table {@code maintenance};</li>
 *   <li>while the store's used blocks and WAL pass {@code store.max-disk}, deletes the oldest raw points (once there
 *       are none, the oldest rollups), in the share it is over, checkpointing so that their blocks are reused.</li>
 * </ol>
 * Acknowledging never waits for it: a full budget costs the oldest data, never a refused batch.
 */
public final class StoreMaintenance {
    private static final Logger LOG = LoggerFactory.getLogger(StoreMaintenance.class);
    /** Deletions one run makes at most to get back inside the budget; the next run goes on. */
    static final int MAX_EVICTIONS_PER_RUN = 64;
    /**
     * Deleting aims the used bytes at this share of the budget and starts a tenth of the budget above it: the headroom
     * is for what arrives until the next run. Once the file and WAL themselves pass {@link #FILE_FULL} of the budget,
     * the aim is {@link #EVICT_TO_FULL}: DuckDB writes a checkpoint's new blocks before it frees the old ones and
     * reuses free blocks only later, so the file needs room beside the data to stay inside the budget.
     */
    static final double EVICT_TO = 0.8;

    static final double FILE_FULL = 0.75;
    static final double EVICT_TO_FULL = 0.4;

    private final StoreSettings settings;
    private final StoreFiles files;
    private final Map<StoreTier, Long> mergedBefore = new EnumMap<>(StoreTier.class);

    /**
     * What one run deleted: rows expired by retention, and rows evicted by the budget (of tier {@code evictedFrom},
     * everything before {@code evictedBeforeMs}; null and 0 when none), with the bytes used after it and the budget,
     * and the memory DuckDB's buffer manager held then ({@code store.memory-limit} bounds it).
     */
    public record Result(
            long expired,
            long evicted,
            long evictedBeforeMs,
            StoreTier evictedFrom,
            long usedBytes,
            long budgetBytes,
            long engineMemoryBytes) {}

    /** Checkpoints when the disk has room for it; false when it did not. */
    interface Checkpointer {
        boolean checkpoint() throws SQLException, IOException;
    }

    StoreMaintenance(StoreSettings settings, StoreFiles files) {
        this.settings = settings;
        this.files = files;
    }

    static void createSchema(Statement st) throws SQLException {
        st.execute("CREATE TABLE IF NOT EXISTS maintenance (tier VARCHAR PRIMARY KEY, merged_before BIGINT NOT NULL)");
    }

    Result run(DuckDBConnection db, long now, Checkpointer checkpointer) throws SQLException, IOException {
        db.setAutoCommit(false);
        long expired = 0;
        for (StoreTier tier : StoreTier.values()) {
            expired += delete(db, tier, now - settings.retention(tier).toMillis());
        }
        for (StoreTier tier : StoreTier.ROLLUPS) {
            merge(db, tier, now);
        }
        long budget = settings.maxDisk().on(files.volume());
        double aim = (files.onDisk() > FILE_FULL * budget ? EVICT_TO_FULL : EVICT_TO) * budget;
        long used = usedBytes(db);
        long evicted = 0;
        long before = 0;
        StoreTier from = null;
        for (int i = 0; i < MAX_EVICTIONS_PER_RUN && used > aim + 0.1 * budget; i++) {
            Eviction e = evictOldest(db, used, aim);
            if (e == null) {
                break;
            }
            evicted += e.rows();
            before = e.beforeMs();
            from = e.tier();
            checkpointer.checkpoint();
            used = usedBytes(db);
        }
        if (evicted > 0) {
            LOG.warn(
                    "store over store.max-disk ({} of {} bytes used): deleted the oldest {} rows of {}, all before {}",
                    used,
                    budget,
                    evicted,
                    from.label(),
                    Instant.ofEpochMilli(before));
        }
        return new Result(expired, evicted, before, from, used, budget, engineMemory(db));
    }

    private static long engineMemory(DuckDBConnection db) throws SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT coalesce(sum(memory_usage_bytes), 0) FROM duckdb_memory()")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static long delete(DuckDBConnection db, StoreTier tier, long beforeMs) throws SQLException {
        try (Statement st = db.createStatement()) {
            long n = st.executeUpdate("DELETE FROM " + tier.table() + " WHERE " + tier.timeColumn() + " < " + beforeMs);
            db.commit();
            return n;
        }
    }

    /**
     * Merges the partial rows of the buckets closed since the last merge (a bucket closes one bucket after its end).
     */
    private void merge(DuckDBConnection db, StoreTier tier, long now) throws SQLException {
        long closedBefore = tier.bucket(now) - tier.bucketMs();
        long from = mergedBefore.computeIfAbsent(tier, t -> mergedBefore(db, t));
        if (closedBefore <= from) {
            return;
        }
        String window = " WHERE bucket >= " + from + " AND bucket < " + closedBefore;
        try (Statement st = db.createStatement()) {
            st.execute("CREATE TEMP TABLE merging AS SELECT series_id, bucket, sum(count) AS count, sum(sum) AS sum,"
                    + " min(min) AS min, max(max) AS max, arg_max(last, last_ts) AS last, max(last_ts) AS last_ts FROM "
                    + tier.table() + window + " GROUP BY series_id, bucket");
            st.execute("DELETE FROM " + tier.table() + window);
            st.execute("INSERT INTO " + tier.table() + " SELECT * FROM merging");
            st.execute("DROP TABLE merging");
            st.execute("INSERT OR REPLACE INTO maintenance VALUES ('" + tier.label() + "', " + closedBefore + ")");
            db.commit();
        } catch (SQLException e) {
            db.rollback();
            throw e;
        }
        mergedBefore.put(tier, closedBefore);
    }

    private static long mergedBefore(DuckDBConnection db, StoreTier tier) {
        try (Statement st = db.createStatement();
                ResultSet rs =
                        st.executeQuery("SELECT merged_before FROM maintenance WHERE tier = '" + tier.label() + "'")) {
            return rs.next() ? rs.getLong(1) : Long.MIN_VALUE;
        } catch (SQLException e) {
            throw new StoreException("cannot read the store's maintenance marks: " + e.getMessage(), e);
        }
    }

    private record Eviction(StoreTier tier, long rows, long beforeMs) {}

    /**
     * Deletes the oldest rows of the finest tier that has any: the share of them by which the store uses more than
     * {@code aim} bytes (so one run usually ends there), at least 1 %, found as a quantile of their times. Returns
     * null when every tier is empty.
     */
    private static Eviction evictOldest(DuckDBConnection db, long used, double aim) throws SQLException {
        double share = Math.min(1.0, Math.max(0.01, (used - aim) / used));
        for (StoreTier tier : StoreTier.values()) {
            long before;
            try (Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery(
                            "SELECT quantile_disc(" + tier.timeColumn() + ", " + share + ") FROM " + tier.table())) {
                rs.next();
                before = rs.getLong(1);
                if (rs.wasNull()) {
                    continue;
                }
            }
            long rows = delete(db, tier, before);
            if (rows == 0) {
                rows = delete(db, tier, before + 1); // the oldest rows share one time: they go together
                before++;
            }
            return new Eviction(tier, rows, before);
        }
        return null;
    }

    /** The bytes of the database's blocks in use, and its WAL. */
    long usedBytes(DuckDBConnection db) throws SQLException, IOException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("SELECT used_blocks * block_size FROM pragma_database_size()"
                        + " WHERE database_name = current_database()")) {
            rs.next();
            return rs.getLong(1) + files.walBytes();
        }
    }
}
