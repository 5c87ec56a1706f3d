package io.dualhub.edge.buffer;

import io.dualhub.common.wire.Incarnations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * Batches {@code fromSeq..toSeq} (wire sequences) of a retired incarnation that a torn buffer can no longer send: they
 * were appended, and perhaps published, before the queue lost them. Each waits as an empty file named
 * {@code lost-<incarnation>-<from>-<to>} in the buffer directory until its declaration is acknowledged by the stream,
 * so it is declared at least once across restarts (the CentralHub counts each sequence once).
 */
public record LostRange(String incarnation, long fromSeq, long toSeq) {
    private static final String PREFIX = "lost-";

    static void record(Path dir, LostRange range) {
        try {
            Files.writeString(dir.resolve(range.fileName()), "");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record lost batches in " + dir, e);
        }
    }

    static List<LostRange> pending(Path dir) {
        List<LostRange> ranges = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            files.map(p -> p.getFileName().toString())
                    .filter(n -> n.startsWith(PREFIX))
                    .sorted()
                    .forEach(n -> {
                        String[] f = n.substring(PREFIX.length()).split("-");
                        ranges.add(new LostRange(
                                f[0].equals("none") ? "" : Incarnations.require(f[0]),
                                Long.parseLong(f[1]),
                                Long.parseLong(f[2])));
                    });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list " + dir, e);
        }
        return ranges;
    }

    static void declared(Path dir, LostRange range) {
        try {
            Files.deleteIfExists(dir.resolve(range.fileName()));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + range.fileName(), e);
        }
    }

    private String fileName() {
        return PREFIX + (incarnation.isEmpty() ? "none" : incarnation) + "-" + fromSeq + "-" + toSeq;
    }
}
