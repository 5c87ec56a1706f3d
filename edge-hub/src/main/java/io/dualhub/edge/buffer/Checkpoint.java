package io.dualhub.edge.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * The queue index of the last batch the forwarder saw acknowledged contiguously, in a memory-mapped file: a store
 * is one aligned 8-byte write into the page cache, so it survives kill -9 (not power loss) and costs nothing per
 * ack. Layout: index at offset 0, then a flag at offset 8 set once the first index was written, then at offset 16
 * the highest sequence the forwarder ever published (0 in a file written before it was kept: the file grows to
 * hold it).
 */
final class Checkpoint implements AutoCloseable {
    private static final int INDEX = 0;
    private static final int SET = 8;
    private static final int SENT = 16;
    private final FileChannel channel;
    private final MappedByteBuffer map;

    Checkpoint(Path file) {
        try {
            channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            map = channel.map(FileChannel.MapMode.READ_WRITE, 0, 24);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open checkpoint " + file, e);
        }
    }

    /** The checkpointed queue index, or -1 when nothing was ever acknowledged. */
    long index() {
        return map.getLong(SET) == 1 ? map.getLong(INDEX) : -1;
    }

    void store(long index) {
        map.putLong(INDEX, index);
        if (map.getLong(SET) != 1) {
            map.putLong(SET, 1);
        }
    }

    /** The highest sequence ever published, or 0. */
    long sentSeq() {
        return map.getLong(SENT);
    }

    void storeSent(long seq) {
        map.putLong(SENT, seq);
    }

    void force() {
        map.force();
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
