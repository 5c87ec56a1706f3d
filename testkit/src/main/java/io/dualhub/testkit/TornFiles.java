package io.dualhub.testkit;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;

/** Tears files the way a power loss or a damaged disk can: for tests of what survives. */
public final class TornFiles {
    private TornFiles() {}

    /**
     * The length of a file's written part: up to its last non-zero byte (a Chronicle cycle file is allocated ahead
     * of its data, zero-filled).
     */
    public static long writtenLength(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] != 0) {
                return i + 1;
            }
        }
        return 0;
    }

    /** Cuts the file short at {@code length} bytes. */
    public static void truncate(Path file, long length) throws IOException {
        try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
            raf.setLength(length);
        }
    }

    /**
     * Moves an edge buffer's checkpoint {@code batches} queue entries past where it is and sets its sequence to
     * {@code seq}, as if the checkpoint's page reached the disk and the queue's did not. The checkpoint file holds
     * big-endian longs (a mapped buffer's default order): the queue index at offset 0, the checkpointed sequence at 32.
     */
    public static void moveCheckpointAhead(Path checkpoint, long batches, long seq) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(checkpoint.toFile(), "rw")) {
            long index = file.readLong();
            file.seek(0);
            file.writeLong(index + batches);
            file.seek(32);
            file.writeLong(seq);
        }
    }
}
