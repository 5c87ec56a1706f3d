package io.dualhub.central.store;

import java.io.IOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** The store's database file and its WAL beside it, and what they take of their volume. */
record StoreFiles(Path database, Path wal) {
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
}
