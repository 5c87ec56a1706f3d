package io.dualhub.edge.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The forwarder's progress and the buffer's high-water marks in a memory-mapped file: a store is one aligned 8-byte
 * write into the page cache, so it survives kill -9 (not power loss) and costs nothing per ack or append. Layout
 * (big-endian longs):
 * at offset 0 the queue index of the last batch acknowledged contiguously, at 8 a flag set once that index was
 * written, at 16 the highest sequence the forwarder ever published, at 24 the highest sequence ever appended, at 32
 * the sequence of the checkpointed batch, at 40 the file's format version ({@link #VERSION}). A file written before
 * a field was kept reads 0 there (the file grows to hold it); one of a newer format is refused. The high-water marks
 * let the buffer tell, at start, what a lost or torn queue held ({@link BufferRecovery}).
 */
final class Checkpoint implements AutoCloseable {
    private static final int INDEX = 0;
    private static final int SET = 8;
    private static final int SENT = 16;
    private static final int APPENDED = 24;
    private static final int SEQ = 32;
    private static final int FORMAT = 40;
    private static final int SIZE = 48;
    /** 1: index, flag and published sequence (a file without a version); 2: the high-water marks and the version. */
    static final long VERSION = 2;

    private final FileChannel channel;
    private final MappedByteBuffer map;

    Checkpoint(Path file) {
        try {
            channel = FileChannel.open(
                    file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, SIZE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint " + file, e);
        }
        long format = map.getLong(FORMAT);
        if (format > VERSION) {
            close();
            throw new IllegalStateException("the buffer's checkpoint " + file + " was written by a newer dualhub edge"
                    + " (format " + format + "; this edge reads up to " + VERSION + "): upgrade this edge, or start it"
                    + " on another data.dir");
        }
        map.putLong(FORMAT, VERSION);
    }

    /** The checkpointed queue index, or -1 when nothing was ever acknowledged. */
    long index() {
        return map.getLong(SET) == 1 ? map.getLong(INDEX) : -1;
    }

    /** The sequence of the checkpointed batch; 0 when none, or in a file written before it was kept. */
    long seq() {
        return map.getLong(SEQ);
    }

    void store(long index, long seq) {
        map.putLong(INDEX, index);
        map.putLong(SEQ, seq);
        if (map.getLong(SET) != 1) {
            map.putLong(SET, 1);
        }
    }

    /** Forgets the checkpoint: the forwarder starts at the queue's first batch. */
    void clear() {
        map.putLong(SET, 0);
        map.putLong(INDEX, 0);
        map.putLong(SEQ, 0);
    }

    /** The highest sequence ever published, or 0. */
    long sentSeq() {
        return map.getLong(SENT);
    }

    void storeSent(long seq) {
        map.putLong(SENT, seq);
    }

    /** The highest sequence ever appended, or 0 (also in a file written before it was kept). */
    long appendedSeq() {
        return map.getLong(APPENDED);
    }

    void storeAppended(long seq) {
        map.putLong(APPENDED, seq);
    }

    void force() {
        map.force();
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
