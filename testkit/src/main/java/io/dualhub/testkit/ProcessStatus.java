package io.dualhub.testkit;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

/**
 * What the OS says of a process now, read from {@code /proc/<pid>}: its resident set size (VmRSS) and the part of it
 * that is anonymous memory (RssAnon: heaps, native allocations) and file-backed (RssFile: mapped files such as
 * Chronicle Queue's cycle files, and the jars), its thread count and its open file descriptors.
 */
public record ProcessStatus(double rssMb, double rssAnonMb, double rssFileMb, int threads, int openFiles) {

    /** Reads the process's status; IOException when it is gone (or this is not Linux). */
    public static ProcessStatus of(long pid) throws IOException {
        Path dir = Path.of("/proc", Long.toString(pid));
        double rss = -1;
        double anon = -1;
        double file = -1;
        int threads = -1;
        for (String line : Files.readAllLines(dir.resolve("status"))) {
            if (line.startsWith("VmRSS:")) {
                rss = kibToMib(line);
            } else if (line.startsWith("RssAnon:")) {
                anon = kibToMib(line);
            } else if (line.startsWith("RssFile:")) {
                file = kibToMib(line);
            } else if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.replaceAll("\\D", ""));
            }
        }
        try (Stream<Path> fds = Files.list(dir.resolve("fd"))) {
            return new ProcessStatus(rss, anon, file, threads, (int) fds.count());
        }
    }

    /**
     * The process's threads by pool: each thread's name as the kernel keeps it ({@code /proc/<pid>/task/<tid>/comm},
     * its first 15 characters) without its trailing number, so {@code io-executor-thread-7} and {@code -12} count as
     * one pool. IOException when the process is gone.
     */
    public static Map<String, Integer> threadPools(long pid) throws IOException {
        Map<String, Integer> pools = new TreeMap<>();
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : tasks.toList()) {
                try {
                    pools.merge(poolOf(Files.readString(task.resolve("comm"))), 1, Integer::sum);
                } catch (IOException ended) {
                    // the thread ended while the list was read: not counted
                }
            }
        }
        return pools;
    }

    /** A thread's name without the number a pool gives each of its threads ({@code pool-2-thread-3: pool-2-thread}). */
    static String poolOf(String threadName) {
        String pool = threadName.strip().replaceFirst("[-#:_ ]*\\d+$", "");
        return pool.isEmpty() ? threadName.strip() : pool;
    }

    private static double kibToMib(String line) {
        return Long.parseLong(line.replaceAll("\\D", "")) / 1024.0;
    }
}
