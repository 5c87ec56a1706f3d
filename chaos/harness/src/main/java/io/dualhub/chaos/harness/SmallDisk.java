package io.dualhub.chaos.harness;

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
    private SmallDisk() {
    }

    /** Mounts a tmpfs of {@code mib} MiB on {@code dir}; false when this process may not mount. */
    public static boolean mount(Path dir, int mib) {
        return run("mount", "-t", "tmpfs", "-o", "size=" + mib + "m", "tmpfs", dir.toString()) == 0;
    }

    public static void unmount(Path dir) {
        run("umount", "-l", dir.toString());
    }

    /** Writes a filler file so that about {@code leaveFree} bytes stay free on the file system of {@code dir}. */
    public static Path fillLeaving(Path dir, long leaveFree) {
        Path filler = dir.resolve("filler");
        try {
            FileStore store = Files.getFileStore(dir);
            long toWrite = store.getUsableSpace() - leaveFree;
            byte[] block = new byte[1 << 20];
            try (OutputStream out = Files.newOutputStream(filler)) {
                for (long written = 0; written < toWrite; written += block.length) {
                    out.write(block, 0, (int) Math.min(block.length, toWrite - written));
                }
            }
            return filler;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot fill " + dir, e);
        }
    }

    private static int run(String... command) {
        try {
            return new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .start().waitFor();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }
}
