package io.dualhub.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class WholeFileTest {
    @TempDir
    Path dir;

    @Test
    void aReplacedFileHoldsOnlyTheNewTextAndNothingIsLeftBesideIt() throws IOException {
        Path file = dir.resolve("incarnation");
        Files.writeString(file, "a much longer text than the one that replaces it");

        WholeFile.replace(file, "abc");

        assertThat(file).hasContent("abc");
        assertThat(dir.toFile().list()).containsExactly("incarnation");
    }

    @Test
    void aPlacedFileTakesItsNameAndNeverReplacesOne() throws IOException {
        Path target = dir.resolve("store.duckdb");
        Path partial = WholeFile.partial(target);
        Files.writeString(partial, "first");
        WholeFile.place(partial, target);

        Path second = WholeFile.partial(target);
        Files.writeString(second, "second");

        assertThatThrownBy(() -> WholeFile.place(second, target)).isInstanceOf(FileAlreadyExistsException.class);
        assertThat(target).hasContent("first");
        assertThat(dir.toFile().list()).containsExactly("store.duckdb");
    }

    @Test
    void aMovedFileIsFoundUnderItsNewNameOnly() throws IOException {
        Path from = dir.resolve("metrics.duckdb.wal");
        Files.writeString(from, "wal");

        Path moved = WholeFile.move(from, dir.resolve("metrics.duckdb.wal.unreplayable-1.pending"));

        assertThat(moved).hasContent("wal");
        assertThat(from).doesNotExist();
    }

    @Test
    void aForcedTreeKeepsEveryFileAsItWas() throws IOException {
        Path queue = Files.createDirectories(dir.resolve("queue.rebuild/sub"));
        Files.writeString(queue.resolve("20261207.cq4"), "batches");
        Files.writeString(dir.resolve("queue.rebuild/metadata.cq4t"), "meta");

        WholeFile.forceTree(dir.resolve("queue.rebuild"));

        assertThat(queue.resolve("20261207.cq4")).hasContent("batches");
        assertThat(dir.resolve("queue.rebuild/metadata.cq4t")).hasContent("meta");
    }
}
