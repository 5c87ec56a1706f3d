package io.dualhub.testkit;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The files this JVM holds open, read from Linux's /proc/self/fd: what proves a closed store let go of its files
 * (DuckDB lets a second connection open a file the same JVM holds, so opening it again proves nothing).
 */
public final class OpenFiles {
    private static final Path FDS = Path.of("/proc/self/fd");

    private OpenFiles() {}

    /** Whether this platform tells (Linux); a test assumes it. */
    public static boolean readable() {
        return Files.isDirectory(FDS);
    }

    /** The files under {@code dir} this process has open now. */
    public static List<Path> under(Path dir) {
        try {
            Path real = dir.toRealPath();
            List<Path> open = new ArrayList<>();
            try (Stream<Path> fds = Files.list(FDS)) {
                for (Path fd : fds.toList()) {
                    try {
                        Path file = Files.readSymbolicLink(fd);
                        if (file.startsWith(real)) {
                            open.add(file);
                        }
                    } catch (IOException closedMeanwhile) { // the listing's own descriptor, gone once listed
                    }
                }
            }
            return open;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
