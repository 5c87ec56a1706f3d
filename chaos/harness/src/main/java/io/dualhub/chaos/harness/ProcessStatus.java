package io.dualhub.chaos.harness;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * What the OS says of a process now, read from {@code /proc/<pid>}: its resident set size (VmRSS, memory-mapped
 * files included), its thread count and its open file descriptors.
 */
public record ProcessStatus(double rssMb, int threads, int openFiles) {

    /** Reads the process's status; IOException when it is gone (or this is not Linux). */
    public static ProcessStatus of(long pid) throws IOException {
        Path dir = Path.of("/proc", Long.toString(pid));
        double rss = -1;
        int threads = -1;
        for (String line : Files.readAllLines(dir.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        try (Stream<Path> fds = Files.list(dir.resolve("fd"))) {
            return new ProcessStatus(rss, threads, (int) fds.count());
        }
    }
}
