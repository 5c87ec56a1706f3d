package io.dualhub.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.stream.Stream;

/**
 * A file that appears whole or not at all: written under {@code <name>.partial} beside it, forced to disk, then linked
 * to its name, which must not exist (a link never replaces a file, a rename would), and the partial name removed. A
 * name given or moved is on disk only once its directory is forced too ({@link #forceDirectory}): until then a power
 * cut may undo it, though a process crash does not.
 */
public final class WholeFile {
    private WholeFile() {}

    /** Where the file is written before it is placed; nothing may be left there from an earlier try. */
    public static Path partial(Path target) throws IOException {
        Path partial = target.resolveSibling(target.getFileName() + ".partial");
        Files.deleteIfExists(partial);
        return partial;
    }

    /** Forces the written partial file to disk and gives it the target's name; fails when the target exists. */
    public static void place(Path partial, Path target) throws IOException {
        forceFile(partial);
        try {
            Files.createLink(target, partial);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(partial);
            throw new FileAlreadyExistsException(target + " appeared meanwhile; nothing was replaced");
        }
        Files.delete(partial);
        forceDirectory(target.toAbsolutePath().getParent());
    }

    /** Writes {@code text} to {@code file} in place of what it held: whole, on disk, under its name. */
    public static void replace(Path file, String text) throws IOException {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        Files.writeString(tmp, text);
        forceFile(tmp);
        Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        forceDirectory(file.toAbsolutePath().getParent());
    }

    /**
     * Moves {@code from} to {@code to} in one step and forces the directories it left and entered, so the move
     * survives a power cut. Moving a directory forces its entries' names, not the files' contents ({@link #forceTree}).
     */
    public static Path move(Path from, Path to) throws IOException {
        Path moved = Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
        Path left = from.toAbsolutePath().getParent();
        Path entered = to.toAbsolutePath().getParent();
        forceDirectory(entered);
        if (!left.equals(entered)) {
            forceDirectory(left);
        }
        return moved;
    }

    /** Forces every file under {@code root}, and every directory's entries, to disk. */
    public static void forceTree(Path root) throws IOException {
        try (Stream<Path> paths = Files.walk(root)) {
            for (Path p : (Iterable<Path>) paths::iterator) {
                if (Files.isDirectory(p)) {
                    forceDirectory(p);
                } else if (Files.isRegularFile(p)) {
                    forceFile(p);
                }
            }
        }
    }

    private static void forceFile(Path file) throws IOException {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
    }

    /** Forces a directory's entries (the names created, removed or moved in it) to disk. */
    public static void forceDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
