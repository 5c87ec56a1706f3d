package io.dualhub.bench;

import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.OsProcess;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge agent's cost to its host, measured by the OS over {@code seconds} each: at the default load (host
 * metrics collected every interval, forwarded to a running CentralHub) and at 10,000 points/s written to it; with
 * the JVM flags and heap the service installers use, once it has run for half a minute. Beside a bare JVM with the same
 * flags doing nothing.
 */
final class FootprintBench {
    /** The edge's heap and stacks as deploy/install-hub.sh installs it (and the container image runs it). */
    private static final int BARE_JVM_SECONDS = 10;
    /**
     * Not measured: an agent runs for months, and its first half minute (class loading, the JIT compiling the
     * collection and forwarding paths) is not what it costs its host. The bare JVM is likewise measured settled.
     */
    private static final int EDGE_SETTLE_SECONDS = 30;

    private final int seconds;

    FootprintBench(int seconds) {
        this.seconds = seconds;
    }

    List<Result> run() throws Exception {
        try (Topology topo = new Topology()) {
            topo.central("footprint");
            topo.streamsReady("footprint");
            HubProcess edge = topo.edge("footprint-edge", "", HubProcess.INSTALLED_EDGE_HEAP);
            Topology.connected(edge);
            Thread.sleep(EDGE_SETTLE_SECONDS * 1000L);
            ProcStats idle = new ProcStats(edge.pid());
            idle.sampleFor(seconds);
            ProcStats loaded = new ProcStats(edge.pid());
            Thread load = new Thread(() -> steady(edge));
            load.start();
            loaded.sampleFor(seconds);
            load.join();
            ProcStats bare = bareJvm(topo);
            topo.done();
            List<Result> results = new ArrayList<>();
            results.add(Result.of(
                    "footprint: edge RSS, default load",
                    idle.maxRssMb(),
                    "MB",
                    bare.maxRssMb(),
                    Goal.atMost(96, "MB")));
            results.add(Result.of(
                    "footprint: edge CPU, default load",
                    idle.cpuPercentOfCore(),
                    "% of a core",
                    bare.cpuPercentOfCore(),
                    Goal.atMost(1, "% of a core")));
            results.add(Result.of(
                    "footprint: edge RSS at 10,000 points/s", loaded.maxRssMb(), "MB", bare.maxRssMb(), null));
            results.add(Result.of(
                    "footprint: edge CPU at 10,000 points/s",
                    loaded.cpuPercentOfCore(),
                    "% of a core",
                    bare.cpuPercentOfCore(),
                    null));
            return results;
        }
    }

    private void steady(HubProcess edge) {
        try {
            new LineLoad(edge.url(), "footprint").steady(E2eBench.RATE, seconds);
        } catch (Exception e) {
            throw new IllegalStateException("load on the edge failed", e);
        }
    }

    /** A JVM with the edge's flags and heap that only sleeps: what the runtime alone costs. */
    private static ProcStats bareJvm(Topology topo) throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(HubProcess.jvmOptions(HubProcess.home().resolve("deploy/jvm.options")));
        cmd.addAll(HubProcess.INSTALLED_EDGE_HEAP);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), IdleJvm.class.getName()));
        OsProcess jvm = OsProcess.start("bare-jvm", cmd, topo.dir().resolve("bare-jvm.log"));
        try {
            ProcStats stats = new ProcStats(jvm.pid());
            Thread.sleep(2000); // let it finish starting: its steady state is what is measured
            stats.sampleFor(BARE_JVM_SECONDS);
            return stats;
        } finally {
            jvm.kill9();
        }
    }
}
