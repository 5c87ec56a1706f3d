package io.dualhub.bench;

import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.OsProcess;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;

/**
 * The edge agent's cost to its host, measured by the OS over {@code seconds} each: at the default load (host
 * metrics collected every interval, forwarded to a running CentralHub) and at 10,000 points/s written to it; with
 * the JVM flags and heap the service installers use, once it has run for half a minute. Beside a bare JVM with the same
 * flags doing nothing, and, on the same flags, what the edge is built on without the edge's own code
 * ({@link BareEdgeStack}): Micronaut alone, then Micronaut with Chronicle Queue and jnats at work.
 */
final class FootprintBench {
    /** How long each reference is sampled once it has settled. */
    private static final int REFERENCE_SECONDS = 10;
    /** The stack references settle past their start and one 10 s trim of the native heap (the edge's flags). */
    private static final int STACK_SETTLE_SECONDS = 15;
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
            ProcStats bare = reference(topo, "bare-jvm", IdleJvm.class, List.of(), 2, 0);
            ProcStats micronaut = stack(topo, "bare-micronaut", false);
            ProcStats libraries = stack(topo, "bare-edge-stack", true);
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
            results.add(Result.of(
                    "footprint: Micronaut as the edge runs it, no edge code (RSS)",
                    micronaut.maxRssMb(),
                    "MB",
                    bare.maxRssMb(),
                    null));
            results.add(Result.of(
                    "footprint: the same with Chronicle Queue and jnats at work (RSS)",
                    libraries.maxRssMb(),
                    "MB",
                    bare.maxRssMb(),
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

    /** {@link BareEdgeStack} on the edge's flags, sampled once it answers and has settled. */
    private static ProcStats stack(Topology topo, String name, boolean libraries) throws Exception {
        int port = FreePorts.next();
        List<String> args = new ArrayList<>(List.of(Integer.toString(port)));
        if (libraries) {
            args.add(topo.dir().resolve(name + "-queue").toString());
            args.add(topo.natsUrls());
        }
        return reference(topo, name, BareEdgeStack.class, args, STACK_SETTLE_SECONDS, port);
    }

    /**
     * A JVM with the edge's flags and heap running {@code main}, sampled once it answers on {@code httpPort} (when
     * not 0) and {@code settleSeconds} have passed.
     */
    private static ProcStats reference(
            Topology topo, String name, Class<?> main, List<String> args, int settleSeconds, int httpPort)
            throws Exception {
        List<String> cmd =
                new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java")));
        cmd.addAll(HubProcess.jvmOptions(HubProcess.home().resolve("deploy/jvm.options")));
        cmd.addAll(HubProcess.INSTALLED_EDGE_HEAP);
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        cmd.addAll(args);
        OsProcess jvm = OsProcess.start(name, cmd, topo.dir().resolve(name + ".log"));
        try {
            if (httpPort > 0) {
                HubProcess.awaitHealthy(name, jvm, URI.create("http://127.0.0.1:" + httpPort + "/health"));
            }
            Thread.sleep(settleSeconds * 1000L); // its steady state is what is measured, as the edge's
            ProcStats stats = new ProcStats(jvm.pid());
            stats.sampleFor(REFERENCE_SECONDS);
            return stats;
        } finally {
            jvm.kill9();
        }
    }
}
