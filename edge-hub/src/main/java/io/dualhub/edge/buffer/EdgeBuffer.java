package io.dualhub.edge.buffer;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import net.openhft.chronicle.bytes.Bytes;
import net.openhft.chronicle.queue.ExcerptAppender;
import net.openhft.chronicle.queue.ExcerptTailer;
import net.openhft.chronicle.queue.RollCycles;
import net.openhft.chronicle.queue.TailerDirection;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueue;
import net.openhft.chronicle.queue.impl.single.SingleChronicleQueueBuilder;
import net.openhft.chronicle.wire.DocumentContext;

/**
 * The edge's durable buffer on Chronicle Queue. Each append numbers its batches with the edge's next sequence
 * (1, 2, 3 ... without holes, continued after a restart by reading the last entry) and returns once they are in
 * the memory-mapped queue, which survives a process crash (kill -9); with {@code sync} it also forces them to disk
 * for power loss. The forwarder reads batches after the checkpoint and moves the checkpoint over what JetStream
 * acknowledged; acknowledged batches stay for the retention period so the CentralHub can ask for them again.
 * Entry layout: seq (int64), then the encoded {@link Batch}.
 */
public final class EdgeBuffer implements AutoCloseable {
    private final String edgeId;
    private final Clock clock;
    private final BufferSettings settings;
    private volatile int batchLimit; // settings.maxBatchBytes(), lowered to fit the NATS server's max_payload
    private final FileStore fileStore;
    private final SingleChronicleQueue queue;
    private final ExcerptAppender appender;
    private final Checkpoint checkpoint;
    private final Path dir;
    private final BufferLives lives;
    private final Object appendLock = new Object();
    private volatile Runnable appendListener = () -> {};
    private volatile long lastSeq;
    private volatile long checkpointSeq;
    private volatile long sentSeq; // written by the forwarder's thread only
    private volatile long unackedBytes;
    private volatile long progressAtMs;

    public EdgeBuffer(Path dir, String edgeId, Clock clock, BufferSettings settings) {
        this.edgeId = edgeId;
        this.clock = clock;
        this.settings = settings;
        this.batchLimit = settings.maxBatchBytes();
        try {
            Files.createDirectories(dir);
            this.fileStore = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create buffer directory " + dir, e);
        }
        this.dir = dir;
        RunMarker.PreviousRun previous = RunMarker.start(dir);
        this.checkpoint = new Checkpoint(dir.resolve("checkpoint"));
        BufferLives found = BufferRecovery.run(dir, checkpoint, BufferLives.load(dir), previous, settings, clock);
        this.queue = openQueue(dir.resolve("queue"), clock, settings.queueBlockBytes());
        this.appender = queue.createAppender();
        this.appender.singleThreadedCheckDisabled(true);
        this.lastSeq = seqAt(queue.lastIndex()); // a new life starts right after it (BufferLives.rotate)
        settleMarks();
        this.lives = found.recovering() ? found.recovered() : found;
        this.checkpointSeq = checkpoint.index() >= 0 ? seqAt(checkpoint.index()) : firstSeq() - 1;
        this.sentSeq = checkpoint.sentSeq();
        this.unackedBytes = bytesAfterCheckpoint();
    }

    /**
     * Opens the queue with hourly files mapped in blocks of {@code blockBytes}: a queue written with other blocks
     * reads the same (the block is how a file is mapped, not part of it).
     */
    static SingleChronicleQueue openQueue(Path queueDir, Clock clock, long blockBytes) {
        return SingleChronicleQueueBuilder.binary(queueDir)
                .rollCycle(RollCycles.FAST_HOURLY)
                .blockSize(blockBytes)
                .timeProvider(clock::millis)
                .build();
    }

    /**
     * Brings the checkpoint and the high-water marks within what the queue holds: a checkpoint that no longer names
     * a batch of the queue (rebuilt, or ahead of a torn tail) is found again by its sequence, or moved to the tail
     * when it was past it (everything surviving was acknowledged), or cleared (everything is sent again; the
     * CentralHub stores each batch once).
     */
    private void settleMarks() {
        long index = checkpoint.index();
        long seq = checkpoint.seq();
        long found = index >= 0 ? seqAt(index) : -1;
        if (index >= 0 && (found == 0 || seq > 0 && found != seq)) {
            BufferedBatch at = seq > 0 ? batchAt(Math.min(seq, lastSeq)) : null;
            if (at != null) {
                checkpoint.store(at.index(), at.seq());
            } else {
                checkpoint.clear();
            }
        }
        checkpoint.storeAppended(lastSeq);
        checkpoint.storeSent(Math.min(checkpoint.sentSeq(), lastSeq));
        checkpoint.force();
    }

    private BufferedBatch batchAt(long seq) {
        BufferedBatch[] found = new BufferedBatch[1];
        readRange(seq, seq, b -> {
            found[0] = b;
            return false;
        });
        return found[0];
    }

    private long firstSeq() {
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            BufferedBatch first = readAt(tailer);
            return first == null ? lastSeq + 1 : first.seq();
        }
    }

    /** The current incarnation: what new batches carry. */
    public String incarnation() {
        return lives.current().incarnation();
    }

    /** The incarnation and its numbering that the batch at queue sequence {@code seq} belongs to. */
    public BufferLife lifeOf(long seq) {
        return lives.of(seq);
    }

    /** The life of that incarnation of this buffer, or null when it never had it. */
    public BufferLife life(String incarnation) {
        return lives.find(incarnation);
    }

    /** Batches of retired incarnations lost with a torn queue, still to be declared ({@link LostRange}). */
    public List<LostRange> lostToDeclare() {
        return LostRange.pending(dir);
    }

    /** The stream acknowledged the declaration of {@code range}. */
    public void lostDeclared(LostRange range) {
        LostRange.declared(dir, range);
    }

    private long bytesAfterCheckpoint() {
        long bytes = 0;
        try (Reader reader = readerFromCheckpoint()) {
            for (BufferedBatch b = reader.next(); b != null; b = reader.next()) {
                bytes += b.size();
            }
        }
        return bytes;
    }

    /**
     * Appends the points as one or more batches of at most {@code maxBatchBytes} (estimated) each, all under one
     * lock so their sequences are consecutive, all or none. Returns the sequences used.
     *
     * @throws BufferFullException when the disk is nearly full, or the backlog is full under the reject policy
     * @throws PointTooLargeException when one point alone makes a batch larger than batches are cut at (nothing of
     *     the list is appended)
     */
    public SeqRange append(List<Point> points) {
        // Encoding is the expensive part; it happens outside the lock, and only the numbering inside it.
        long now = clock.millis();
        BufferLife life = lives.current();
        List<byte[]> payloads = new ArrayList<>();
        long bytes = 0;
        int limit = batchLimit;
        for (List<Point> chunk : split(points, limit)) {
            byte[] payload = BatchCodec.encode(new Batch(edgeId, life.incarnation(), 1, now, chunk));
            if (chunk.size() == 1 && payload.length > limit) {
                throw new PointTooLargeException(chunk.get(0).metric(), payload.length, limit);
            }
            payloads.add(payload);
            bytes += BufferedBatch.size(payload);
        }
        SeqRange range;
        synchronized (appendLock) {
            requireRoom(bytes);
            if (lastSeq == checkpointSeq) {
                progressAtMs = now; // the backlog starts now
            }
            long first = lastSeq + 1;
            for (byte[] payload : payloads) {
                long seq = lastSeq + 1;
                BatchCodec.setSeq(payload, life.wireSeq(seq));
                try (DocumentContext dc = appender.writingDocument()) {
                    dc.wire().bytes().writeLong(seq).write(payload);
                }
                lastSeq = seq;
            }
            checkpoint.storeAppended(lastSeq);
            unackedBytes += bytes;
            if (settings.sync()) {
                appender.sync();
            }
            range = new SeqRange(first, lastSeq);
        }
        appendListener.run();
        return range;
    }

    private void requireRoom(long bytes) {
        long free = usableDiskSpace();
        if (free - bytes < settings.minFreeDisk()) {
            throw new BufferFullException("the buffer's disk has " + free + " bytes free, below the reserve of "
                    + settings.minFreeDisk() + " (buffer.min-free-disk)");
        }
        if (settings.overflow() == BufferSettings.Overflow.REJECT && unackedBytes + bytes > settings.maxBytes()) {
            throw new BufferFullException(
                    "the buffer holds " + unackedBytes + " bytes not yet forwarded, at its limit of "
                            + settings.maxBytes() + " (buffer.max-bytes, overflow: reject)");
        }
    }

    private long usableDiskSpace() {
        try {
            return fileStore.getUsableSpace();
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Cuts batches of at most {@code bytes} from now on, or {@code buffer.max-batch-bytes} when that is smaller: the
     * forwarder calls it with what its NATS server takes in one message. Batches already buffered keep their size.
     */
    public void limitBatches(int bytes) {
        batchLimit = Math.min(settings.maxBatchBytes(), bytes);
    }

    /** The size batches are cut at now. */
    public int batchLimit() {
        return batchLimit;
    }

    /** Called after every append, outside the append lock: the forwarder's wake-up. */
    public void onAppend(Runnable listener) {
        this.appendListener = listener;
    }

    /** Splits points into chunks whose worst-case encoded size stays under the limit (a chunk holds at least one). */
    static List<List<Point>> split(List<Point> points, int maxBatchBytes) {
        List<List<Point>> chunks = new ArrayList<>();
        List<Point> current = new ArrayList<>();
        long size = 0;
        for (Point p : points) {
            int estimate = estimate(p);
            if (!current.isEmpty() && size + estimate > maxBatchBytes) {
                chunks.add(current);
                current = new ArrayList<>();
                size = 0;
            }
            current.add(p);
            size += estimate;
        }
        if (!current.isEmpty()) {
            chunks.add(current);
        }
        return chunks;
    }

    private static int estimate(Point p) {
        int size = 24 + p.metric().length() * 3;
        for (var tag : p.tags().entrySet()) {
            size += 10 + (tag.getKey().length() + tag.getValue().length()) * 3;
        }
        return size;
    }

    /**
     * Calls {@code action} with every retained batch from {@code fromSeq} to {@code toSeq}, in order, until it returns
     * false; returns the first sequence still retained (everything below it has expired), or {@code lastSeq + 1} when
     * nothing is. Seeks to
     * {@code fromSeq} ({@link #seek}) rather than reading the retained queue from its start.
     */
    public long readRange(long fromSeq, long toSeq, Predicate<BufferedBatch> action) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.toStart();
            BufferedBatch first = peek(tailer);
            if (first == null) {
                return lastSeq + 1;
            }
            if (first.seq() < fromSeq) {
                seek(tailer, fromSeq);
            }
            for (BufferedBatch b = readAt(tailer); b != null && b.seq() <= toSeq; b = readAt(tailer)) {
                if (b.seq() >= fromSeq && !action.test(b)) {
                    break;
                }
            }
            return first.seq();
        }
    }

    /**
     * Positions the tailer at or before the batch {@code seq}, never after it. Sequences have no holes and each
     * batch is one excerpt, so inside one cycle file a batch's excerpt number is its sequence minus that of the
     * cycle's first batch: the cycle is found by a binary search over the first batch of each cycle file, then the
     * index is computed and checked. Should the check fail (a sequence past the last batch), the tailer stays at
     * the start of the cycle, and the caller reads forward from there.
     */
    private void seek(ExcerptTailer tailer, long seq) {
        List<Long> cycles = new ArrayList<>(queue.listCyclesBetween(queue.firstCycle(), queue.lastCycle()));
        int lo = 0;
        int hi = cycles.size() - 1;
        BufferedBatch cycleFirst = null;
        int cycle = -1;
        while (lo <= hi) { // the last cycle whose first batch is at or before seq
            int mid = (lo + hi) >>> 1;
            BufferedBatch b = tailer.moveToCycle(cycles.get(mid).intValue()) ? peek(tailer) : null;
            if (b != null && b.seq() <= seq) {
                cycle = cycles.get(mid).intValue();
                cycleFirst = b;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        if (cycleFirst == null) {
            tailer.toStart();
            return;
        }
        long index = cycleFirst.index() + (seq - cycleFirst.seq());
        BufferedBatch target =
                queue.rollCycle().toCycle(index) == cycle && tailer.moveToIndex(index) ? peek(tailer) : null;
        if (target == null || target.seq() != seq) {
            tailer.moveToCycle(cycle);
        }
    }

    /** The batch at the tailer's position, leaving the tailer there; null at the end. */
    private static BufferedBatch peek(ExcerptTailer tailer) {
        BufferedBatch b = readAt(tailer);
        if (b != null) {
            tailer.moveToIndex(b.index());
        }
        return b;
    }

    /** A reader positioned right after the checkpoint, for the forwarder's own thread. */
    public Reader readerFromCheckpoint() {
        ExcerptTailer tailer = queue.createTailer();
        long index = checkpoint.index();
        if (index >= 0) {
            if (!tailer.moveToIndex(index)) {
                throw new IllegalStateException("checkpoint index " + Long.toHexString(index) + " not in the queue");
            }
            readAt(tailer);
        } else {
            tailer.toStart();
        }
        return new Reader(tailer);
    }

    /**
     * Records that the batches up to {@code seq} were published at least once; kept with the checkpoint, so after a
     * restart the forwarder still knows which unacknowledged batches may be in the stream (and must never be
     * declared dropped). Called by the forwarder's thread.
     */
    public void markSent(long seq) {
        if (seq > sentSeq) {
            sentSeq = seq;
            checkpoint.storeSent(seq);
        }
    }

    /** The highest sequence ever published (this run or an earlier one), or 0. */
    public long sentSeq() {
        return sentSeq;
    }

    /**
     * Records that every batch up to and including {@code batch} is accounted for at the stream (acknowledged, or
     * declared dropped), releasing {@code bytes} of backlog.
     */
    public void checkpoint(BatchPosition last, long bytes) {
        checkpoint.store(last.index(), last.seq());
        checkpointSeq = last.seq();
        progressAtMs = clock.millis();
        synchronized (appendLock) {
            unackedBytes -= bytes;
        }
    }

    /** Bytes of batches appended and not yet accounted for at the stream. */
    public long unackedBytes() {
        return unackedBytes;
    }

    public BufferSettings settings() {
        return settings;
    }

    public long lastSeq() {
        return lastSeq;
    }

    public long checkpointSeq() {
        return checkpointSeq;
    }

    /** Batches appended but not yet acknowledged. */
    public long backlog() {
        return lastSeq - checkpointSeq;
    }

    /**
     * How long the backlog has gone without a batch being accounted for at the stream: 0 when it is empty, the
     * outage so far when forwarding is stuck, a few milliseconds when it merely keeps up.
     */
    public long forwardLagMs() {
        return backlog() > 0 ? Math.max(0, clock.millis() - progressAtMs) : 0;
    }

    public Path directory() {
        return queue.file().toPath().getParent();
    }

    SingleChronicleQueue queue() {
        return queue;
    }

    long checkpointIndex() {
        return checkpoint.index();
    }

    private long seqAt(long index) {
        if (index < 0) {
            return 0;
        }
        try (ExcerptTailer tailer = queue.createTailer()) {
            if (!tailer.moveToIndex(index)) {
                return 0;
            }
            BufferedBatch b = readAt(tailer);
            return b == null ? 0 : b.seq();
        }
    }

    /** Calls {@code action} with the retained batches from the newest back, until it returns false. */
    public void readNewestFirst(Predicate<BufferedBatch> action) {
        try (ExcerptTailer tailer = queue.createTailer()) {
            tailer.direction(TailerDirection.BACKWARD).toEnd();
            for (BufferedBatch b = readAt(tailer); b != null && action.test(b); b = readAt(tailer)) {
                // each batch is handed to the action
            }
        }
    }

    private static BufferedBatch readAt(ExcerptTailer tailer) {
        try (DocumentContext dc = tailer.readingDocument()) {
            if (!dc.isPresent()) {
                return null;
            }
            Bytes<?> bytes = dc.wire().bytes();
            long seq = bytes.readLong();
            byte[] payload = new byte[(int) bytes.readRemaining()];
            bytes.read(payload);
            return new BufferedBatch(seq, dc.index(), payload);
        }
    }

    @Override
    public void close() {
        synchronized (appendLock) {
            checkpoint.force();
            checkpoint.close();
            appender.close();
            queue.close();
            RunMarker.stop(dir);
        }
    }

    /** The forwarder's cursor over the queue; owned by one thread. */
    public final class Reader implements AutoCloseable {
        private final ExcerptTailer tailer;

        private Reader(ExcerptTailer tailer) {
            this.tailer = tailer;
        }

        /** The next batch, or null when the forwarder has caught up with the writers. */
        public BufferedBatch next() {
            return readAt(tailer);
        }

        /**
         * The payload of a batch read before, read again to resend it: the forwarder's window lets payloads go once
         * published. A batch after the checkpoint is never deleted, so it must be there. A tailer of its own for each
         * read, closed at once: one kept open would keep its cycle file mapped, and the disk space of that file
         * taken after retention deleted it.
         */
        public byte[] reread(BatchPosition at) {
            try (ExcerptTailer rereader = queue.createTailer()) {
                BufferedBatch b = rereader.moveToIndex(at.index()) ? readAt(rereader) : null;
                if (b == null || b.seq() != at.seq()) {
                    throw new IllegalStateException("BUG: batch " + at.seq() + " not at queue index "
                            + Long.toHexString(at.index()) + " (found " + (b == null ? "nothing" : b.seq()) + ")");
                }
                return b.payload();
            }
        }

        @Override
        public void close() {
            tailer.close();
        }
    }

    /** The first and last sequence one append used. */
    public record SeqRange(long first, long last) {}
}
