package io.dualhub.central.store;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.common.logging.AboutEdge;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.duckdb.DuckDBAppender;
import org.duckdb.DuckDBConnection;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The CentralHub's durable store, on embedded DuckDB under the data directory. Exactly once: a commit stores the
 * points of every batch that is new for its edge's {@link SequenceTracker}, records the sequences an edge declared
 * dropped (each sequence is either stored or declared, never both), and persists the trackers in the same
 * transaction, so after any crash the store and the trackers agree, and a redelivered batch is recognised and
 * only counted. One thread (the Ingestor) commits; any thread may read snapshots and query.
 */
public final class MetricStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricStore.class);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final TypeReference<TreeMap<String, String>> TAGS = new TypeReference<>() {};
    /** The WAL size past which the store checkpoints (DuckDB's own default threshold). */
    static final long CHECKPOINT_WAL_BYTES = 16L << 20;
    /** Free space a checkpoint needs at least, beside twice the WAL it writes out. */
    static final long CHECKPOINT_MIN_FREE_BYTES = 64L << 20;

    private final StoreFiles files;
    // Replaced after a fatal engine error (reopen), by the committing thread; readers take duplicates of it.
    private volatile StoreConnection db;
    // After a failed commit whose recovery failed too: reopened and reloaded before the next commit.
    private boolean broken;
    private volatile boolean closed; // by close(): a closed store is never opened again
    private boolean deferringCheckpoint; // by the committing thread: the last look found too little room
    private final StoreMaintenance maintenance;
    private long nextMaintenanceMs; // by the committing thread
    private final Clock clock;
    // The series dictionary, replaced whole when it is read back from the file after a failed commit.
    private volatile Map<SeriesKey, Integer> seriesIds = new ConcurrentHashMap<>();
    private volatile Map<Integer, SeriesKey> seriesById = new ConcurrentHashMap<>();
    private final StoreSettings settings;
    // Owned by the committing thread: how many series of the dictionary belong to each edge, and the next id.
    private Map<String, Integer> seriesPerEdge = new HashMap<>();
    private int nextSeriesId = 1;
    // Owned by the committing thread; readers see the published snapshot.
    private final Map<String, EdgeRecord> edges = new HashMap<>();
    private volatile Map<String, EdgeStoreState> snapshot = Map.of();
    // Read at open; cleared by the committing thread once the consumers were moved to it.
    private volatile RestorePoint restorePoint;
    // A backup reads on a duplicate of the connection: held shared while it does, exclusively to close or replace it.
    private final ReentrantReadWriteLock connection = new ReentrantReadWriteLock();

    public MetricStore(Path dir, Clock clock) {
        this(dir, clock, StoreSettings.ofDefaults());
    }

    public MetricStore(Path dir, Clock clock, StoreSettings settings) {
        this.clock = clock;
        this.settings = settings;
        this.files = StoreFiles.in(dir);
        this.maintenance = new StoreMaintenance(settings, files);
        try {
            Files.createDirectories(dir);
            this.db = StoreConnection.open(files.database(), settings.memoryLimit());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create store directory " + dir, e);
        } catch (SQLException e) {
            throw new StoreException("cannot open the metric store in " + dir + ": " + e.getMessage(), e);
        }
        try {
            reload();
            restorePoint = StoreBackup.pending(db.writer());
        } catch (SQLException | RuntimeException e) {
            close();
            throw new StoreException("cannot read the metric store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads the series dictionary and every edge's ledger back from the file, replacing what is in memory, and
     * publishes the edges' snapshot. After a failed commit nothing in memory is trusted: DuckDB writes the WAL and
     * then checkpoints inside COMMIT, so a COMMIT that threw may have committed, and only the file knows.
     */
    private void reload() throws SQLException {
        loadSeries();
        edges.clear();
        loadEdges();
        publish();
    }

    private void loadSeries() throws SQLException {
        Map<SeriesKey, Integer> ids = new ConcurrentHashMap<>();
        Map<Integer, SeriesKey> byId = new ConcurrentHashMap<>();
        Map<String, Integer> perEdge = new HashMap<>();
        int maxId = 0;
        try (Statement st = db.writer().createStatement();
                ResultSet rs = st.executeQuery("SELECT id, edge, metric, tags FROM series")) {
            while (rs.next()) {
                SeriesKey key = new SeriesKey(rs.getString(2), rs.getString(3), parseTags(rs.getString(4)));
                ids.put(key, rs.getInt(1));
                byId.put(rs.getInt(1), key);
                perEdge.merge(key.edge(), 1, Integer::sum);
                maxId = Math.max(maxId, rs.getInt(1));
            }
        }
        seriesIds = ids;
        seriesById = byId;
        seriesPerEdge = perEdge;
        nextSeriesId = maxId + 1; // from the stored maximum: ids already on disk are never given again
    }

    private void loadEdges() throws SQLException {
        try (Statement st = db.writer().createStatement();
                ResultSet rs = st.executeQuery("SELECT edge, contiguous_seq, above_seqs, batches, points, duplicates,"
                        + " last_stored_ms, dropped_batches, dropped_points, dropped_ranges, lost_batches, lost_ranges, incarnation,"
                        + " retired_trackers, COALESCE(invalid_batches, 0), COALESCE(invalid_ranges, '') FROM edges")) {
            while (rs.next()) {
                EdgeRecord r =
                        new EdgeRecord(rs.getString(1), SequenceTracker.fromText(rs.getLong(2), rs.getString(3)));
                r.batches = rs.getLong(4);
                r.points = rs.getLong(5);
                r.duplicates = rs.getLong(6);
                r.lastStoredMs = rs.getLong(7);
                r.droppedBatches = rs.getLong(8);
                r.droppedPoints = rs.getLong(9);
                r.droppedRanges = SeqRanges.fromText(rs.getString(10));
                r.lostBatches = rs.getLong(11);
                r.lostRanges = SeqRanges.fromText(rs.getString(12));
                r.incarnation = rs.getString(13);
                r.retired.putAll(EdgeRecord.retiredFromText(rs.getString(14)));
                r.invalidBatches = rs.getLong(15);
                r.invalidRanges = SeqRanges.fromText(rs.getString(16));
                edges.put(r.edge, r);
            }
        }
    }

    /**
     * Stores the new batches, records newly declared gaps and counts the duplicates, all in one transaction; returns
     * one outcome per message. On failure nothing of the call is stored and the in-memory state is as before.
     * Commits and maintenance share the one writing connection: the Ingestor's thread does both, and the lock makes a
     * commit from any other thread (a test, a tool) wait for the other instead of breaking its transaction.
     */
    public synchronized List<CommitOutcome> commit(List<? extends EdgeMessage> messages) {
        Map<String, EdgeRecord> touched = new LinkedHashMap<>();
        List<SeriesKey> newSeries = new ArrayList<>();
        List<CommitOutcome> outcomes = new ArrayList<>(messages.size());
        long now = clock.millis();
        if (closed) {
            throw new StoreException(
                    "the store is closed; nothing of " + messages.size() + " messages was stored", null);
        }
        try {
            if (broken) {
                reopen();
                broken = false;
            }
            begin();
            Rollups rollups = new Rollups();
            try (DuckDBAppender points = db.writer().createAppender(DuckDBConnection.DEFAULT_SCHEMA, "points")) {
                for (EdgeMessage m : messages) {
                    EdgeRecord r = touched.computeIfAbsent(m.edgeId(), id -> working(id));
                    CommitOutcome outcome = m instanceof Batch b
                            ? store(points, rollups, r, b, newSeries, now)
                            : declare(r, (GapDeclaration) m);
                    outcomes.add(outcome);
                }
            }
            rollups.appendTo(db.writer());
            insertSeries(newSeries);
            saveEdges(touched.values());
            db.writer().commit();
        } catch (SQLException | RuntimeException e) {
            recover(e);
            throw new StoreException("commit of " + messages.size() + " messages failed: " + e.getMessage(), e);
        }
        edges.putAll(touched);
        publish();
        checkpointIfDue();
        return outcomes;
    }

    /**
     * Checkpoints once the WAL passes {@link #CHECKPOINT_WAL_BYTES}, and only while the disk has room for it (twice
     * the WAL, at least {@link #CHECKPOINT_MIN_FREE_BYTES}): on a nearly full disk the WAL grows instead, until a
     * commit's WAL write fails, which rolls back cleanly and is retried once space returns. A failed checkpoint is
     * handled like a failed commit; what was committed stays committed.
     */
    private void checkpointIfDue() {
        try {
            if (files.walBytes() >= CHECKPOINT_WAL_BYTES) {
                checkpointWithRoom();
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("checkpoint failed: {}", e.getMessage());
            if (!db.answers()) {
                restore(e); // what was committed stays committed; only a database that stopped answering needs it
            }
        }
    }

    /** Checkpoints while the disk has room for it (see {@link #checkpointIfDue}); false when it was deferred. */
    private boolean checkpointWithRoom() throws IOException, SQLException {
        long walBytes = files.walBytes();
        long free = files.volume().getUsableSpace();
        if (free < Math.max(CHECKPOINT_MIN_FREE_BYTES, 2 * walBytes)) {
            if (!deferringCheckpoint) {
                LOG.warn(
                        "checkpoint deferred: {} bytes free beside a WAL of {} bytes; commits go on into the WAL",
                        free,
                        walBytes);
            }
            deferringCheckpoint = true;
            return false;
        }
        db.checkpoint();
        if (deferringCheckpoint) {
            LOG.info("checkpoint done after being deferred (WAL of {} bytes)", walBytes);
        }
        deferringCheckpoint = false;
        return true;
    }

    /**
     * Applies retention and the disk budget ({@link StoreMaintenance}) once {@code store.maintenance-interval} passed
     * since the last run; called by the committing thread between commits. Returns what it deleted, or null when it
     * did not run (not due, or it failed: the next run tries again; what was committed stays committed).
     */
    public synchronized StoreMaintenance.Result maintainIfDue() {
        long now = clock.millis();
        if (closed || broken || now < nextMaintenanceMs) {
            return null;
        }
        nextMaintenanceMs = now + settings.maintenanceInterval().toMillis();
        try {
            return maintenance.run(db.writer(), now, this::checkpointWithRoom);
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn(
                    "store maintenance failed, trying again in {}: {}", settings.maintenanceInterval(), e.getMessage());
            rollback();
            if (!db.answers()) {
                restore(e);
            }
            return null;
        }
    }

    /**
     * Writes a consistent snapshot of the store into the new file {@code target} ({@link StoreBackup}), from a read
     * transaction of its own: commits go on meanwhile. Refused when the volume of {@code target} has less room than
     * the store takes now.
     */
    public BackupContents backup(Path target, RestorePoint point) {
        try {
            Files.createDirectories(target.getParent());
            // the store's size, and room for the store's own next checkpoint beside it
            long needed = files.onDisk() + Math.max(CHECKPOINT_MIN_FREE_BYTES, 2 * files.walBytes());
            long free = Files.getFileStore(target.getParent()).getUsableSpace();
            if (free < needed) {
                throw new StoreException(
                        "a backup needs about " + needed + " bytes free beside the store (its size"
                                + " now and room for its next checkpoint), " + target.getParent() + " has " + free,
                        null);
            }
            connection.readLock().lock();
            try (Connection reader = db.writer().duplicate()) {
                StoreBackup.write(reader, target, point);
            } finally {
                connection.readLock().unlock();
            }
            return StoreBackup.inspect(target);
        } catch (IOException | SQLException | RuntimeException e) {
            try {
                Files.deleteIfExists(target); // a half-written backup is no backup
            } catch (IOException again) {
                e.addSuppressed(again);
            }
            throw e instanceof StoreException se
                    ? se
                    : new StoreException("backup into " + target + " failed: " + e.getMessage(), e);
        }
    }

    /**
     * The restore point of a store started from a backup, until {@link #restorePointApplied()}; null for any other
     * store.
     */
    public RestorePoint restorePoint() {
        return restorePoint;
    }

    /** The consumers were moved to the restore point: forget it, here and in the file. */
    public synchronized void restorePointApplied() {
        try {
            StoreBackup.applied(db.writer());
            if (!db.writer().getAutoCommit()) {
                db.writer().commit(); // after the first commit the writer stays in manual mode: end the drop now
            }
            restorePoint = null;
        } catch (SQLException e) {
            throw new StoreException("could not drop the applied restore point: " + e.getMessage(), e);
        }
    }

    /** Rows of a tier's table: points, or rollup rows (partial ones until merged). */
    long rows(StoreTier tier) {
        try (Connection reader = db.writer().duplicate();
                Statement st = reader.createStatement();
                ResultSet rs = st.executeQuery("SELECT count(*) FROM " + tier.table())) {
            rs.next();
            return rs.getLong(1);
        } catch (SQLException e) {
            throw new StoreException("count failed: " + e.getMessage(), e);
        }
    }

    /**
     * After a failed commit: ends the transaction, opens the database again when it no longer answers (a fatal
     * error, such as a checkpoint that failed on a full disk, invalidates it for good), and reads everything back
     * from the file, so the retry decides what is new from what is stored. When that fails too (the disk is still
     * full), the next commit tries again first.
     */
    private void recover(Exception failure) {
        rollback();
        restore(failure);
    }

    /** Reopens the database when it no longer answers, else reads everything back; on failure, tries again later. */
    private void restore(Exception failure) {
        try {
            if (!db.answers()) {
                LOG.error("the store's database no longer answers after '{}': opening it again", failure.getMessage());
                reopen();
            } else {
                reload();
            }
            broken = false;
        } catch (SQLException | RuntimeException e) {
            broken = true;
            LOG.warn(
                    "the store could not be read back after a failure ({}); trying again before the next commit",
                    e.getMessage());
        }
    }

    /** Closes the connection and its statements, opens the file again (DuckDB replays its WAL) and reloads. */
    private void reopen() throws SQLException {
        connection.writeLock().lock();
        try {
            try {
                db.close();
            } catch (SQLException e) {
                LOG.debug("closing the failed store connection: {}", e.getMessage());
            }
            db = StoreConnection.open(files.database(), settings.memoryLimit());
        } finally {
            connection.writeLock().unlock();
        }
        reload();
        LOG.info("the store's database is open again: {} series, {} edges", seriesIds.size(), edges.size());
    }

    private CommitOutcome store(
            DuckDBAppender points, Rollups rollups, EdgeRecord r, Batch b, List<SeriesKey> newSeries, long now)
            throws SQLException {
        if (!r.trackerFor(b.incarnation()).record(b.seq())) {
            r.duplicates++;
            return CommitOutcome.DUPLICATE;
        }
        // A decoded batch shares its metric strings and tag maps between points of one series (BatchCodec), so
        // within it a series is found by identity after its first point, not by hashing and comparing its tags.
        Map<SameSeries, Integer> batchSeries = knownSeries(b);
        if (batchSeries == null) {
            r.invalidBatches++;
            r.invalidRanges.add(b.seq());
            return CommitOutcome.REFUSED_SERIES;
        }
        for (Point p : b.points()) {
            int id = batchSeries.computeIfAbsent(
                    new SameSeries(p.metric(), p.tags()), s -> seriesId(b.edgeId(), p, newSeries));
            rollups.add(id, p.timestampMs(), p.value());
            points.beginRow();
            points.append(id);
            points.append(p.timestampMs());
            points.append(p.value());
            points.endRow();
        }
        r.batches++;
        r.points += b.points().size();
        r.lastStoredMs = now;
        return CommitOutcome.STORED;
    }

    /**
     * Each sequence of the gap not stored or declared before becomes declared-dropped (overflow, with its point
     * count), lost (expired from the edge before it could be resent) or invalid (refused by this hub).
     */
    private static CommitOutcome declare(EdgeRecord r, GapDeclaration gap) {
        boolean any = false;
        SequenceTracker tracker = r.trackerFor(gap.incarnation());
        for (long seq = gap.fromSeq(); seq <= gap.toSeq(); seq++) {
            if (!tracker.record(seq)) {
                continue;
            }
            switch (gap.reason()) {
                case OVERFLOW, TOO_LARGE -> {
                    r.droppedBatches++;
                    r.droppedPoints += gap.pointCount(seq);
                    r.droppedRanges.add(seq);
                }
                case EXPIRED -> {
                    r.lostBatches++;
                    r.lostRanges.add(seq);
                }
                case INVALID -> {
                    r.invalidBatches++;
                    r.invalidRanges.add(seq);
                }
            }
            any = true;
        }
        if (!any) {
            r.duplicates++;
        }
        return any ? CommitOutcome.DECLARED : CommitOutcome.DUPLICATE;
    }

    /** A copy of the edge's record to change inside a transaction; it replaces the original only after commit. */
    private EdgeRecord working(String edge) {
        EdgeRecord current = edges.get(edge);
        return current == null ? new EdgeRecord(edge, new SequenceTracker(0, List.of())) : current.copy();
    }

    /**
     * The batch's series already in the dictionary, by identity; null when its new series would bring its edge past
     * {@code store.max-series-per-edge}.
     */
    private Map<SameSeries, Integer> knownSeries(Batch b) {
        Map<SameSeries, Integer> known = new HashMap<>(); // null: not in the dictionary yet
        if (seriesPerEdge.getOrDefault(b.edgeId(), 0) + (long) b.points().size() <= settings.maxSeriesPerEdge()) {
            return known; // even a point per new series stays inside the bound: filled as the points are stored
        }
        Set<SeriesKey> unknown = new HashSet<>();
        for (Point p : b.points()) {
            SameSeries series = new SameSeries(p.metric(), p.tags());
            if (!known.containsKey(series)) {
                SeriesKey key = new SeriesKey(b.edgeId(), p.metric(), p.tags());
                Integer id = seriesIds.get(key);
                known.put(series, id);
                if (id == null) {
                    unknown.add(key);
                }
            }
        }
        boolean fits = seriesPerEdge.getOrDefault(b.edgeId(), 0) + (long) unknown.size() <= settings.maxSeriesPerEdge();
        return fits ? known : null;
    }

    /** The bounds this store keeps. */
    public StoreSettings settings() {
        return settings;
    }

    private int seriesId(String edge, Point p, List<SeriesKey> newSeries) {
        SeriesKey key = new SeriesKey(edge, p.metric(), p.tags());
        Integer id = seriesIds.get(key);
        if (id == null) {
            id = nextSeriesId++;
            seriesIds.put(key, id);
            seriesById.put(id, key);
            seriesPerEdge.merge(edge, 1, Integer::sum);
            newSeries.add(key);
        }
        return id;
    }

    /** A point's metric and tags compared by identity: equal only for the very same string and map. */
    private record SameSeries(String metric, Map<String, String> tags) {
        @Override
        public boolean equals(Object o) {
            return o instanceof SameSeries other && metric == other.metric && tags == other.tags;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(metric) + System.identityHashCode(tags);
        }
    }

    private void insertSeries(List<SeriesKey> newSeries) throws SQLException {
        if (newSeries.isEmpty()) {
            return;
        }
        try (PreparedStatement ps = db.writer().prepareStatement("INSERT INTO series VALUES (?, ?, ?, ?)")) {
            for (SeriesKey k : newSeries) {
                ps.setInt(1, seriesIds.get(k));
                ps.setString(2, k.edge());
                ps.setString(3, k.metric());
                ps.setString(4, tagsJson(k.tags()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    private void saveEdges(Iterable<EdgeRecord> records) throws SQLException {
        PreparedStatement saveEdge = db.saveEdge();
        saveEdge.clearBatch(); // nothing left over from a commit that failed half way
        for (EdgeRecord r : records) {
            saveEdge.setString(1, r.edge);
            saveEdge.setLong(2, r.tracker.contiguous());
            saveEdge.setString(3, r.tracker.aboveAsText());
            saveEdge.setLong(4, r.batches);
            saveEdge.setLong(5, r.points);
            saveEdge.setLong(6, r.duplicates);
            saveEdge.setLong(7, r.lastStoredMs);
            saveEdge.setLong(8, r.droppedBatches);
            saveEdge.setLong(9, r.droppedPoints);
            saveEdge.setString(10, r.droppedRanges.asText());
            saveEdge.setLong(11, r.lostBatches);
            saveEdge.setString(12, r.lostRanges.asText());
            saveEdge.setString(13, r.incarnation);
            saveEdge.setString(14, r.retiredAsText());
            saveEdge.setLong(15, r.invalidBatches);
            saveEdge.setString(16, r.invalidRanges.asText());
            saveEdge.setLong(17, r.points); // rolled_points: every point this commit stored is in the rollups too
            saveEdge.addBatch();
        }
        saveEdge.executeBatch();
    }

    /**
     * Opens the transaction before anything is appended: DuckDB's JDBC driver begins one only when a statement runs,
     * and its appender runs none, so rows appended first would commit on their own, apart from the trackers.
     */
    private void begin() throws SQLException {
        db.writer().setAutoCommit(false);
        db.opener().execute();
    }

    /**
     * Ends the failed transaction whatever state it is in. After a COMMIT that failed (disk full) DuckDB has ended
     * the transaction but the driver still counts one as running and would begin no new one: a transaction is then
     * opened by hand so that a rollback ends it and resets the driver.
     */
    private void rollback() {
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

    private void publish() {
        Map<String, EdgeStoreState> s = new TreeMap<>();
        edges.values().forEach(r -> s.put(r.edge, r.state()));
        snapshot = Map.copyOf(s);
    }

    /** Per-edge state as of the last commit. */
    public Map<String, EdgeStoreState> edges() {
        return snapshot;
    }

    /** The series dictionary's names and tags (a live view: series stored later show in later answers). */
    public SeriesCatalogue catalogue() {
        return new SeriesCatalogue(Collections.unmodifiableCollection(seriesById.values()));
    }

    public StoreStats stats() {
        Map<String, EdgeStoreState> s = snapshot;
        long points = 0;
        long batches = 0;
        long duplicates = 0;
        long dropped = 0;
        for (EdgeStoreState e : s.values()) {
            points += e.points();
            batches += e.batches();
            duplicates += e.duplicates();
            dropped += e.droppedPoints();
        }
        return new StoreStats(points, batches, duplicates, dropped, s.size());
    }

    /** Reads the matching series; raw points, or averages per step bucket when a step is given. */
    public List<StoredSeries> query(SeriesQuery q) {
        List<StoredSeries> out = new ArrayList<>();
        try {
            query(q, new SeriesSink() {
                @Override
                public void series(SeriesKey key) {
                    out.add(new StoredSeries(key.metric(), key.edge(), key.tags(), new ArrayList<>()));
                }

                @Override
                public void point(long timestampMs, double value) {
                    out.get(out.size() - 1).points().add(new double[] {timestampMs, value});
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e); // the sink above writes to memory only
        }
        return out;
    }

    /**
     * Reads the matching series in id order, each followed by its points, straight from the result set into the sink:
     * raw points, or averages per step bucket when a step is given, from the tier {@link #tierFor} picks. Every
     * matching series is handed over, also one without points in the range. Returns the tier that answered.
     */
    public StoreTier query(SeriesQuery q, SeriesSink sink) throws IOException {
        StoreTier tier = tierFor(q);
        TreeMap<Integer, SeriesKey> matching = matching(q);
        if (matching.isEmpty()) {
            return tier;
        }
        try (Connection reader = db.writer().duplicate();
                PreparedStatement ps = reader.prepareStatement(select(q, tier, matching))) {
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
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
        return tier;
    }

    /** How many points (or step buckets) the query would answer, counted by the engine without reading them. */
    public long count(SeriesQuery q) {
        StoreTier tier = tierFor(q);
        TreeMap<Integer, SeriesKey> matching = matching(q);
        if (matching.isEmpty()) {
            return 0;
        }
        try (Connection reader = db.writer().duplicate();
                PreparedStatement ps =
                        reader.prepareStatement("SELECT count(*) FROM (" + select(q, tier, matching) + ")")) {
            bindRange(ps, q, tier);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getLong(1);
            }
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }

    /**
     * The tier that answers a query: raw points for a query without a step, or with one that is not a whole number
     * of minutes; otherwise the coarsest rollup tier whose bucket divides the step. Its answer is the raw one (a step
     * bucket's average is its points' sum over their count), read from fewer rows, and, since each tier is kept at
     * least as long as the finer ones, it covers the longest range.
     */
    public StoreTier tierFor(SeriesQuery q) {
        StoreTier chosen = StoreTier.RAW;
        for (StoreTier tier : StoreTier.values()) {
            if (tier != StoreTier.RAW && q.stepMs() > 0 && q.stepMs() % tier.bucketMs() == 0) {
                chosen = tier;
            }
        }
        return chosen;
    }

    private TreeMap<Integer, SeriesKey> matching(SeriesQuery q) {
        TreeMap<Integer, SeriesKey> matching = new TreeMap<>();
        seriesById.forEach((id, key) -> {
            if (q.matches(key)) {
                matching.put(id, key);
            }
        });
        return matching;
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

    private static String tagsJson(Map<String, String> tags) {
        try {
            return JSON.writeValueAsString(tags);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static TreeMap<String, String> parseTags(String json) {
        try {
            return JSON.readValue(json, TAGS);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        closed = true;
        connection.writeLock().lock();
        try {
            db.close();
        } catch (SQLException e) {
            throw new StoreException("closing the store failed: " + e.getMessage(), e);
        } finally {
            connection.writeLock().unlock();
        }
    }

    /**
     * One edge's mutable bookkeeping, changed only by the committing thread. Sequences are tracked per buffer
     * incarnation: the current one, and the retired ones (a replaced data directory), kept so their late
     * redeliveries are still recognised.
     */
    private static final class EdgeRecord {
        final String edge;
        SequenceTracker tracker;
        String incarnation = "";
        final Map<String, SequenceTracker> retired = new LinkedHashMap<>();
        long batches;
        long points;
        long duplicates;
        long lastStoredMs;
        long droppedBatches;
        long droppedPoints;
        SeqRanges droppedRanges = new SeqRanges();
        long lostBatches;
        SeqRanges lostRanges = new SeqRanges();
        long invalidBatches;
        SeqRanges invalidRanges = new SeqRanges();

        EdgeRecord(String edge, SequenceTracker tracker) {
            this.edge = edge;
            this.tracker = tracker;
        }

        /**
         * The tracker of the given incarnation. A new incarnation becomes the current one and the previous one is
         * retired; the empty incarnation (data from before incarnations) is simply renamed, since the same buffer
         * continues its numbering under its new id.
         */
        SequenceTracker trackerFor(String inc) {
            if (inc.equals(incarnation)) {
                return tracker;
            }
            SequenceTracker old = retired.get(inc);
            if (old != null) {
                return old;
            }
            if (!incarnation.isEmpty()) {
                retired.put(incarnation, tracker);
                tracker = new SequenceTracker(0, List.of());
                try (AboutEdge about = AboutEdge.of(edge)) {
                    LOG.warn(
                            "edge {} started buffer incarnation {} (its data directory was recreated); its"
                                    + " numbering starts again at 1, the previous incarnation {} ended at {}",
                            edge,
                            inc,
                            incarnation,
                            retired.get(incarnation).contiguous());
                }
            }
            incarnation = inc;
            return tracker;
        }

        String retiredAsText() {
            StringBuilder sb = new StringBuilder();
            retired.forEach((inc, t) -> sb.append(sb.length() == 0 ? "" : ";")
                    .append(inc)
                    .append(':')
                    .append(t.contiguous())
                    .append(':')
                    .append(t.aboveAsText().replace(',', '|')));
            return sb.toString();
        }

        static Map<String, SequenceTracker> retiredFromText(String text) {
            Map<String, SequenceTracker> map = new LinkedHashMap<>();
            if (text != null && !text.isBlank()) {
                for (String part : text.split(";")) {
                    String[] f = part.split(":", -1);
                    map.put(f[0], SequenceTracker.fromText(Long.parseLong(f[1]), f[2].replace('|', ',')));
                }
            }
            return map;
        }

        EdgeRecord copy() {
            EdgeRecord c = new EdgeRecord(edge, tracker.copy());
            c.incarnation = incarnation;
            retired.forEach((inc, t) -> c.retired.put(inc, t.copy()));
            c.batches = batches;
            c.points = points;
            c.duplicates = duplicates;
            c.lastStoredMs = lastStoredMs;
            c.droppedBatches = droppedBatches;
            c.droppedPoints = droppedPoints;
            c.droppedRanges = droppedRanges.copy();
            c.lostBatches = lostBatches;
            c.lostRanges = lostRanges.copy();
            c.invalidBatches = invalidBatches;
            c.invalidRanges = invalidRanges.copy();
            return c;
        }

        EdgeStoreState state() {
            return new EdgeStoreState(
                    edge,
                    tracker.contiguous(),
                    tracker.highest(),
                    batches,
                    points,
                    duplicates,
                    lastStoredMs,
                    droppedBatches,
                    droppedPoints,
                    droppedRanges.asList(),
                    lostBatches,
                    lostRanges.asList(),
                    tracker.missing(),
                    incarnation,
                    invalidBatches,
                    invalidRanges.asList());
        }
    }
}
