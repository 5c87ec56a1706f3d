package io.dualhub.common;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file that appears whole or not at all: written under {@code <name>.partial} beside it, forced to disk, then linked
 * to its name, which must not exist (a link never replaces a file, a rename would), and the partial name removed.
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
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        try {
            Files.createLink(target, partial);
        } catch (FileAlreadyExistsException e) {
            Files.deleteIfExists(partial);
            throw new FileAlreadyExistsException(target + " appeared meanwhile; nothing was replaced");
        }
        Files.delete(partial);
    }
}
