package io.dualhub.testkit;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.FileStore;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A small tmpfs mounted over a directory, to run a process out of disk space for real; needs root (mount), and
 * says so by returning false rather than failing.
 */
public final class SmallDisk {
    private SmallDisk() {}

    /** Mounts a tmpfs of {@code mib} MiB on {@code dir}; false when this process may not mount. */
    public static boolean mount(Path dir, int mib) {
        return run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString()) == 0;
    }

    public static void unmount(Path dir) {
        run("umount", "-l", dir.toString());
    }

    /**
     * Writes a filler file so that about {@code leaveFree} bytes stay free on the file system of {@code dir}. A
     * process writing to the same disk meanwhile may fill it first: running out of space is then the goal reached.
     */
    public static Path fillLeaving(Path dir, long leaveFree) {
        Path filler = dir.resolve("filler");
        FileStore store;
        try {
            store = Files.getFileStore(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fill " + dir, e);
        }
        try (OutputStream out = Files.newOutputStream(filler)) {
            long toWrite = store.getUsableSpace() - leaveFree;
            byte[] block = new byte[1 << 20];
            for (long written = 0; written < toWrite; written += block.length) {
                out.write(block, 0, (int) Math.min(block.length, toWrite - written));
            }
        } catch (IOException e) {
            if (usable(store) > leaveFree + (1 << 20)) {
                throw new UncheckedIOException("cannot fill " + dir, e);
            }
        }
        return filler;
    }

    private static long usable(FileStore store) {
        try {
            return store.getUsableSpace();
        } catch (IOException e) {
            return Long.MAX_VALUE;
        }
    }

    private static int run(String... command) {
        try {
            return new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start()
                    .waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
