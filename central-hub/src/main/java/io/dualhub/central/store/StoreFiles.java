package io.dualhub.central.store;

import io.dualhub.common.WholeFile;
import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * The store's database file and its WAL beside it, what they take of their volume, and the WALs set aside because
 * they could not be replayed ({@code metrics.duckdb.wal.unreplayable-<ms>}; {@code .pending} until the store recorded
 * that it must read the streams again, so a crash in between is noticed at the next open).
 */
record StoreFiles(Path database, Path wal) {
    private static final String SET_ASIDE = ".unreplayable-";
    private static final String PENDING = ".pending";

    static StoreFiles in(Path dir) {
        return new StoreFiles(dir.resolve("metrics.duckdb"), dir.resolve("metrics.duckdb.wal"));
    }

    /** The WAL's size, 0 when there is none (DuckDB removes it once a checkpoint emptied it). */
    long walBytes() throws IOException {
        try {
            return Files.size(wal);
        } catch (NoSuchFileException none) {
            return 0;
        }
    }

    /** What the database file and its WAL take on disk now. */
    long onDisk() throws IOException {
        return Files.size(database) + walBytes();
    }

    FileStore volume() throws IOException {
        return Files.getFileStore(database.getParent());
    }

    /** Moves the WAL aside as pending ({@link #settle} once acted on); returns where it went. */
    Path setAsideWal(long atMs) throws IOException {
        Path aside = wal.resolveSibling(wal.getFileName() + SET_ASIDE + atMs + PENDING);
        return WholeFile.move(wal, aside);
    }

    /** WALs set aside that the store has not yet acted on. */
    List<Path> pendingSetAside() throws IOException {
        String prefix = wal.getFileName() + SET_ASIDE;
        try (var siblings = Files.list(wal.getParent())) {
            return siblings.filter(f -> f.getFileName().toString().startsWith(prefix)
                            && f.getFileName().toString().endsWith(PENDING))
                    .sorted()
                    .toList();
        }
    }

    /** Marks a WAL set aside as acted on; returns its final name. */
    Path settle(Path pending) throws IOException {
        String name = pending.getFileName().toString();
        Path settled = pending.resolveSibling(name.substring(0, name.length() - PENDING.length()));
        return WholeFile.move(pending, settled);
    }
}
