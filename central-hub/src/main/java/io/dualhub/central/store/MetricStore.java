package io.dualhub.central.store;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
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
 * only counted. One thread (the Ingestor) commits; any thread may read snapshots and query. A facade over its
 * parts: the {@link SeriesDictionary}, every edge's {@link EdgeLedger} ({@link EdgeLedgers}, saved through the
 * {@link LedgerCodec}), the {@link StoreTransaction} they share with the points and rollups, the read SQL
 * ({@link StoreQueries}), and maintenance, checkpoints and the recovery from a failed commit, which are its own.
 */
public final class MetricStore implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MetricStore.class);
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
    // by the committing thread: the WAL replayed at open is not checkpointed yet (see checkpointReplayedWal)
    private boolean replayedWal;
    private final StoreMaintenance maintenance;
    private long nextMaintenanceMs; // by the committing thread
    private final Clock clock;
    private final StoreSettings settings;
    // Read back whole from the file after a failed commit; the committing thread adds to them, readers read them.
    private final SeriesDictionary series;
    private final EdgeLedgers ledgers = new EdgeLedgers();
    // Read at open and reopen; cleared by the committing thread once the consumers were moved to it.
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
        this.series = new SeriesDictionary(settings.maxSeriesPerEdge());
        try {
            Files.createDirectories(dir);
            this.db = open();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create or open the store's files in " + dir + ": " + e, e);
        } catch (SQLException e) {
            throw new StoreException("cannot open the metric store in " + dir + ": " + e.getMessage(), e);
        }
        checkpointReplayedWal();
        try {
            reload();
            restorePoint = StoreBackup.pending(db.writer());
        } catch (SQLException | RuntimeException e) {
            close();
            throw new StoreException("cannot read the metric store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /**
     * Opens the database file. DuckDB refuses to open a database whose WAL it cannot replay (an entry in its middle
     * fails its checksum: written by a DuckDB that appended after a torn entry, see {@link #checkpointReplayedWal},
     * or damaged on disk), and the hub would never start. That WAL is set aside (kept beside the file for an
     * operator) and the database opened on its last checkpoint, with a restore point that makes the hub read the
     * metrics streams again from their start: its trackers recognise what the checkpoint holds, what the WAL held
     * comes again from the streams, and what they no longer hold from the edges' buffers by gap repair. The set-aside
     * file stays pending until the restore point is recorded, so a crash in between records it at the next open.
     */
    private StoreConnection open() throws SQLException, IOException {
        StoreConnection opened;
        try {
            opened = StoreConnection.open(files.database(), settings.memoryLimit());
        } catch (SQLException e) {
            if (!StoreConnection.walUnreplayable(e)) {
                throw e;
            }
            Path aside = files.setAsideWal(clock.millis());
            LOG.error(
                    "the store's WAL could not be replayed ({}): set aside as {}; the store opens on its last"
                            + " checkpoint, and this hub reads the metrics streams again from their start",
                    e.getMessage(),
                    aside);
            opened = StoreConnection.open(files.database(), settings.memoryLimit());
        }
        try {
            List<Path> pending = files.pendingSetAside();
            if (!pending.isEmpty()) {
                StoreBackup.record(opened.writer(), RestorePoint.streamsFromStart(clock.millis()));
            }
            for (Path aside : pending) {
                LOG.warn("WAL set aside, kept for an operator: {}", files.settle(aside));
            }
        } catch (IOException | SQLException | RuntimeException e) {
            opened.close();
            throw e;
        }
        return opened;
    }

    /**
     * Reads the series dictionary and every edge's ledger back from the file, replacing what is in memory, and
     * publishes the edges' snapshot. After a failed commit nothing in memory is trusted: DuckDB writes the WAL and
     * then checkpoints inside COMMIT, so a COMMIT that threw may have committed, and only the file knows.
     */
    private void reload() throws SQLException {
        series.load(db.writer());
        ledgers.load(db.writer());
    }

    /**
     * Stores the new batches, records newly declared gaps and counts the duplicates, all in one transaction; returns
     * one outcome per message. On failure nothing of the call is stored and the in-memory state is as before.
     * Commits and maintenance share the one writing connection: the Ingestor's thread does both, and the lock makes a
     * commit from any other thread (a test, a tool) wait for the other instead of breaking its transaction.
     */
    public synchronized List<CommitOutcome> commit(List<? extends EdgeMessage> messages) {
        Map<String, EdgeLedger> touched = new LinkedHashMap<>();
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
            StoreTransaction.begin(db);
            Rollups rollups = new Rollups();
            try (DuckDBAppender points = db.writer().createAppender(DuckDBConnection.DEFAULT_SCHEMA, "points")) {
                for (EdgeMessage m : messages) {
                    EdgeLedger ledger = touched.computeIfAbsent(m.edgeId(), ledgers::working);
                    CommitOutcome outcome = m instanceof Batch b
                            ? store(points, rollups, ledger, b, newSeries, now)
                            : ledger.declare((GapDeclaration) m);
                    outcomes.add(outcome);
                }
            }
            rollups.appendTo(db.writer());
            series.insert(db.writer(), newSeries);
            // the sequences in the same transaction as their points: after any crash the store and trackers agree
            ledgers.save(db.saveEdge(), touched.values());
            db.writer().commit();
        } catch (SQLException | RuntimeException e) {
            recover(e);
            throw new StoreException("commit of " + messages.size() + " messages failed: " + e.getMessage(), e);
        }
        ledgers.committed(touched.values());
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
            if (replayedWal || files.walBytes() >= CHECKPOINT_WAL_BYTES) {
                replayedWal = !checkpointWithRoom();
            }
        } catch (IOException | SQLException | RuntimeException e) {
            LOG.warn("checkpoint failed: {}", e.getMessage());
            if (!db.answers()) {
                restore(e); // what was committed stays committed; only a database that stopped answering needs it
            }
        }
    }

    /**
     * Checkpoints a database just opened on a WAL, so that what it replayed is in the file and the WAL starts empty.
     * DuckDB (1.1.3) replays a WAL up to a torn last entry (a commit a kill -9 cut short, never acknowledged) and then
     * appends after the torn bytes, so the next replay meets them mid-WAL and refuses to open the database ("Corrupt
     * WAL file"): a hub killed twice never started again. Without room for it, or when it fails, each commit tries
     * again ({@link #checkpointIfDue}) until one is done.
     */
    private void checkpointReplayedWal() {
        try {
            replayedWal = files.walBytes() > 0 && !checkpointWithRoom();
        } catch (IOException | SQLException | RuntimeException e) {
            replayedWal = true; // the next commit tries again; a database that no longer answers is opened again then
            LOG.warn("checkpoint of the WAL replayed at open failed: {}", e.getMessage());
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
            StoreTransaction.rollback(db);
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
     * The restore point of a store started from a backup, or of one that opened on its last checkpoint without its
     * WAL ({@link RestorePoint#fromBackup()} false), until {@link #restorePointApplied()}; null for any other store.
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
        try (Connection reader = db.writer().duplicate()) {
            return StoreQueries.rows(reader, tier);
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
        StoreTransaction.rollback(db);
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
            db = open();
            checkpointReplayedWal();
        } catch (IOException e) {
            throw new StoreException("cannot open the metric store again: " + e.getMessage(), e);
        } finally {
            connection.writeLock().unlock();
        }
        reload();
        restorePoint = StoreBackup.pending(db.writer());
        LOG.info("the store's database is open again: {} series, {} edges", series.size(), ledgers.size());
    }

    private CommitOutcome store(
            DuckDBAppender points, Rollups rollups, EdgeLedger ledger, Batch b, List<SeriesKey> newSeries, long now)
            throws SQLException {
        if (!ledger.trackerFor(b.incarnation()).record(b.seq())) {
            return ledger.duplicate();
        }
        SeriesDictionary.BatchSeries batchSeries = series.seriesOf(b, newSeries);
        if (batchSeries == null) {
            return ledger.refused(b.seq());
        }
        for (Point p : b.points()) {
            int id = batchSeries.id(p);
            rollups.add(id, p.timestampMs(), p.value());
            points.beginRow();
            points.append(id);
            points.append(p.timestampMs());
            points.append(p.value());
            points.endRow();
        }
        return ledger.stored(b.points().size(), now);
    }

    /** The bounds this store keeps. */
    public StoreSettings settings() {
        return settings;
    }

    /** Per-edge state as of the last commit. */
    public Map<String, EdgeStoreState> edges() {
        return ledgers.snapshot();
    }

    /** The series dictionary's names and tags (a live view: series stored later show in later answers). */
    public SeriesCatalogue catalogue() {
        return series.catalogue();
    }

    public StoreStats stats() {
        Map<String, EdgeStoreState> s = ledgers.snapshot();
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
        SortedMap<Integer, SeriesKey> matching = series.matching(q);
        if (!matching.isEmpty()) {
            try (Connection reader = db.writer().duplicate()) {
                StoreQueries.read(reader, q, matching, sink);
            } catch (SQLException e) {
                throw new StoreException("query failed: " + e.getMessage(), e);
            }
        }
        return tierFor(q);
    }

    /** How many points (or step buckets) the query would answer, counted by the engine without reading them. */
    public long count(SeriesQuery q) {
        SortedMap<Integer, SeriesKey> matching = series.matching(q);
        if (matching.isEmpty()) {
            return 0;
        }
        try (Connection reader = db.writer().duplicate()) {
            return StoreQueries.count(reader, q, matching);
        } catch (SQLException e) {
            throw new StoreException("query failed: " + e.getMessage(), e);
        }
    }

    /** The tier that answers a query ({@link StoreQueries#tierFor}). */
    public StoreTier tierFor(SeriesQuery q) {
        return StoreQueries.tierFor(q);
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
}
