package io.dualhub.edge.collect;

import io.dualhub.common.wire.Point;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSFileStore;
import oshi.software.os.OperatingSystem;

/**
 * Reads this host's metrics through OSHI in Prometheus naming (base units, {@code _total} for counters,
 * {@code _ratio} for 0..1). Each group is read on its own, so a source the host lacks (no swap, a container
 * without disks) costs that group only, reported once.
 */
public final class HostCollector {
    private static final Logger LOG = LoggerFactory.getLogger(HostCollector.class);
    private final HardwareAbstractionLayer hardware;
    private final OperatingSystem os;
    private final Clock clock;
    private final Set<String> reportedFailures = new HashSet<>();
    private long[] previousTicks;

    public HostCollector(Clock clock) {
        SystemInfo si = new SystemInfo();
        this.hardware = si.getHardware();
        this.os = si.getOperatingSystem();
        this.clock = clock;
        this.previousTicks = hardware.getProcessor().getSystemCpuLoadTicks();
    }

    /** One collection round; called from one scheduler thread. */
    public List<Point> collect() {
        long now = clock.millis();
        List<Point> out = new ArrayList<>(64);
        group("cpu", out, now, this::cpu);
        group("memory", out, now, this::memory);
        group("filesystem", out, now, this::filesystems);
        group("disk", out, now, this::disks);
        group("network", out, now, this::network);
        group("os", out, now, this::system);
        return out;
    }

    private void group(String name, List<Point> out, long now, Consumer<Sink> reader) {
        try {
            reader.accept((metric, tags, value) -> out.add(Point.of(metric, tags, now, value)));
        } catch (RuntimeException | LinkageError e) {
            if (reportedFailures.add(name)) {
                LOG.warn("host metrics group '{}' unavailable on this host: {}", name, e.toString());
            }
        }
    }

    private void cpu(Sink sink) {
        CentralProcessor cpu = hardware.getProcessor();
        long[] ticks = cpu.getSystemCpuLoadTicks();
        sink.add("host_cpu_utilization_ratio", Map.of(), cpu.getSystemCpuLoadBetweenTicks(previousTicks));
        previousTicks = ticks;
        double load1 = cpu.getSystemLoadAverage(1)[0];
        if (load1 >= 0) {
            sink.add("host_load1", Map.of(), load1);
        }
    }

    private void memory(Sink sink) {
        GlobalMemory mem = hardware.getMemory();
        sink.add("host_memory_total_bytes", Map.of(), mem.getTotal());
        sink.add("host_memory_used_bytes", Map.of(), mem.getTotal() - mem.getAvailable());
        sink.add("host_swap_used_bytes", Map.of(), mem.getVirtualMemory().getSwapUsed());
    }

    private void filesystems(Sink sink) {
        Set<String> seen = new HashSet<>();
        for (OSFileStore fs : os.getFileSystem().getFileStores(true)) {
            if (fs.getTotalSpace() <= 0 || !seen.add(fs.getMount())) {
                continue;
            }
            Map<String, String> tags = Map.of("mountpoint", fs.getMount());
            sink.add("host_filesystem_size_bytes", tags, fs.getTotalSpace());
            sink.add("host_filesystem_used_bytes", tags, fs.getTotalSpace() - fs.getFreeSpace());
        }
    }

    private void disks(Sink sink) {
        for (HWDiskStore disk : hardware.getDiskStores()) {
            disk.updateAttributes();
            Map<String, String> tags = Map.of("device", disk.getName());
            sink.add("host_disk_read_bytes_total", tags, disk.getReadBytes());
            sink.add("host_disk_written_bytes_total", tags, disk.getWriteBytes());
        }
    }

    private void network(Sink sink) {
        for (NetworkIF nic : hardware.getNetworkIFs(true)) {
            nic.updateAttributes();
            Map<String, String> tags = Map.of("device", nic.getName());
            sink.add("host_network_receive_bytes_total", tags, nic.getBytesRecv());
            sink.add("host_network_transmit_bytes_total", tags, nic.getBytesSent());
        }
    }

    private void system(Sink sink) {
        sink.add("host_processes", Map.of(), os.getProcessCount());
        sink.add("host_uptime_seconds", Map.of(), os.getSystemUptime());
    }

    /** Where one group's readings go. */
    private interface Sink {
        void add(String metric, Map<String, String> tags, double value);
    }
}
