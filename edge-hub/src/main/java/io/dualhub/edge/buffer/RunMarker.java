package io.dualhub.edge.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The file {@code running} in a buffer directory, present while a buffer has it open and holding the machine's boot
 * id: at the next open it tells how the previous run ended. Absent: it closed cleanly. Present with the same boot id:
 * the process died (kill -9, OOM) but the machine did not, so every write it made is still in the page cache.
 * Present with another boot id (or where the system has none): the machine went down, and writes not forced to disk
 * may be lost.
 */
final class RunMarker {
    static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

    /** How the previous run over a buffer directory ended. */
    enum PreviousRun {
        CLEAN,
        PROCESS_DIED,
        MACHINE_WENT_DOWN
    }

    private RunMarker() {}

    /** Reads how the previous run ended and marks this one as running. */
    static PreviousRun start(Path dir) {
        Path file = dir.resolve("running");
        String boot = bootId();
        try {
            PreviousRun previous = PreviousRun.CLEAN;
            if (Files.exists(file)) {
                previous = boot.equals(Files.readString(file).trim()) && !boot.isEmpty()
                        ? PreviousRun.PROCESS_DIED
                        : PreviousRun.MACHINE_WENT_DOWN;
            }
            Files.writeString(file, boot);
            return previous;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** Marks a clean stop: everything the buffer wrote is in its files. */
    static void stop(Path dir) {
        try {
            Files.deleteIfExists(dir.resolve("running"));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir.resolve("running"), e);
        }
    }

    private static String bootId() {
        try {
            return Files.exists(BOOT_ID) ? Files.readString(BOOT_ID).trim() : "";
        } catch (IOException e) {
            return "";
        }
    }
}
