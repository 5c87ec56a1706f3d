package io.dualhub.central.store;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.List;

/**
 * A store's files as a kill -9 leaves them, made from a store that is still open (its WAL is written and synced at
 * every commit; the database file changes only at a checkpoint), and the damage a crash or a bad disk can add.
 */
public final class KilledStore {
    private KilledStore() {}

    /** Copies the files of the store in {@code from} into {@code to}, as they are now. */
    public static Path copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
    }

    /** Tears the WAL of the store in {@code dir} at {@code bytes}, as a write cut short. */
    public static void truncateWal(Path dir, long bytes) throws IOException {
        try (FileChannel wal = FileChannel.open(wal(dir), StandardOpenOption.WRITE)) {
            wal.truncate(bytes);
        }
    }

    /** Overwrites a few bytes in the middle of the WAL of the store in {@code dir}: an entry whose checksum fails. */
    public static void damageWalMiddle(Path dir) throws IOException {
        try (FileChannel wal = FileChannel.open(wal(dir), StandardOpenOption.READ, StandardOpenOption.WRITE)) {
            wal.write(ByteBuffer.wrap(new byte[] {0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a, 0x5a}), wal.size() / 2);
        }
    }

    /** The size of the store's WAL in {@code dir}, 0 when there is none. */
    public static long walBytes(Path dir) throws IOException {
        return StoreFiles.in(dir).walBytes();
    }

    /** The files in {@code dir} that hold a WAL the store set aside. */
    public static List<Path> walsSetAside(Path dir) throws IOException {
        String wal = wal(dir).getFileName().toString();
        try (var files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().startsWith(wal + "."))
                    .toList();
        }
    }

    private static Path wal(Path dir) {
        return StoreFiles.in(dir).wal();
    }
}
