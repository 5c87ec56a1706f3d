package io.dualhub.central.store;

import io.dualhub.common.config.Settings;
import java.io.IOException;
import java.nio.file.FileStore;

/** What the store may use of its volume: a number of bytes, or a share (1 to 100 %) of the volume's size. */
public record DiskBudget(long bytes, int percent) {
    public DiskBudget {
        if ((bytes > 0) == (percent > 0) || percent > 100 || bytes < 0 || percent < 0) {
            throw new IllegalArgumentException("a disk budget is a positive number of bytes or a share of 1 to 100 %");
        }
    }

    public static DiskBudget bytes(long bytes) {
        return new DiskBudget(bytes, 0);
    }

    public static DiskBudget share(int percent) {
        return new DiskBudget(0, percent);
    }

    /** The budget in bytes on the given volume. */
    long on(FileStore volume) throws IOException {
        return bytes > 0 ? bytes : volume.getTotalSpace() / 100 * percent;
    }

    /** As the configuration writes it: {@code 80%} or {@code 20GiB}. */
    public String text() {
        return bytes > 0 ? Settings.sizeText(bytes) : percent + "%";
    }

    @Override
    public String toString() {
        return bytes > 0 ? bytes + " bytes" : percent + "% of the volume";
    }
}
