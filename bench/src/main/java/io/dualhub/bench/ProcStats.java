package io.dualhub.bench;

import io.dualhub.testkit.ProcessStatus;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A process's memory and CPU as the OS counts them: resident set size from {@code /proc/<pid>/status} (VmRSS,
 * memory-mapped files included) and CPU time from {@code /proc/<pid>/stat} (user + system).
 */
final class ProcStats {
    /** Clock ticks per second of /proc/<pid>/stat's times; 100 on Linux for every architecture we run on. */
    private static final double TICKS_PER_SECOND = 100;

    private final long pid;
    private double maxRssMb;
    private long firstTicks = -1;
    private long firstNanos;
    private long lastTicks;
    private long lastNanos;

    ProcStats(long pid) {
        this.pid = pid;
    }

    /** Takes one sample; call about once a second over the window. */
    void sample() throws IOException {
        maxRssMb = Math.max(maxRssMb, ProcessStatus.of(pid).rssMb());
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]); // utime, stime (fields 14 and 15)
        long now = System.nanoTime();
        if (firstTicks < 0) {
            firstTicks = ticks;
            firstNanos = now;
        }
        lastTicks = ticks;
        lastNanos = now;
    }

    /** Samples every second for {@code seconds}. */
    void sampleFor(int seconds) throws IOException, InterruptedException {
        for (int i = 0; i <= seconds; i++) {
            sample();
            if (i < seconds) {
                Thread.sleep(1000); // the sampling interval, not a wait for a condition
            }
        }
    }

    double maxRssMb() {
        return maxRssMb;
    }

    /** CPU seconds used between the first and last sample. */
    double cpuSeconds() {
        return (lastTicks - firstTicks) / TICKS_PER_SECOND;
    }

    /** CPU used between the first and last sample, as a percentage of one core. */
    double cpuPercentOfCore() {
        double seconds = (lastNanos - firstNanos) / 1e9;
        return seconds <= 0 ? 0 : cpuSeconds() / seconds * 100;
    }
}
