package io.dualhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.OsProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The same line-protocol load on InfluxDB's {@code /write} into vmagent (Debian's {@code vmagent}, remote-writing to
 * a local VictoriaMetrics, its queue on disk) and into a dualhub edge (forwarding to JetStream and a CentralHub), in
 * the same run: how fast each takes a burst per second and per CPU second, its memory and CPU at a steady
 * 10,000 points/s, and what a kill -9 of each agent mid-load loses of the points it had answered 204 for. Skipped,
 * with the command that installs them, without vmagent and victoria-metrics.
 */
final class VmagentBench {
    static final String INSTALL = "apt-get install -y victoria-metrics";
    private static final String VMAGENT = System.getenv().getOrDefault("VMAGENT", "/usr/bin/vmagent");
    private static final String VICTORIA =
            System.getenv().getOrDefault("VICTORIA_METRICS", "/usr/bin/victoria-metrics");
    private static final long BURST_POINTS = 1_000_000;
    private static final int STEADY_RATE = 10_000;
    /** The kill drill: one point per write, so every 204 names exactly one value. */
    private static final int KILL_WRITES_PER_SECOND = 200;

    private static final int KILL_SECONDS = 10;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int seconds;

    VmagentBench(int seconds) {
        this.seconds = seconds;
    }

    void run(Report report) throws Exception {
        if (report.skips("peer-vmagent", List.of(VMAGENT, VICTORIA), INSTALL)) {
            return;
        }
        try (Topology topo = new Topology()) {
            report.add(compare(topo));
            topo.done();
        }
    }

    private List<Result> compare(Topology topo) throws Exception {
        Path dir = topo.dir();
        int vmPort = FreePorts.next();
        OsProcess vm = OsProcess.start(
                "victoria-metrics",
                List.of(
                        VICTORIA,
                        "-storageDataPath=" + dir.resolve("vm"),
                        "-httpListenAddr=127.0.0.1:" + vmPort,
                        "-retentionPeriod=100y",
                        "-search.latencyOffset=0s"),
                dir.resolve("vm.log"));
        Agent vmagent = new Agent(dir, vmPort);
        HubProcess central = topo.central("vmagent-peer");
        topo.streamsReady("vmagent-peer");
        HubProcess edge =
                topo.edge("vmagent-peer-edge", "collect:\n  enabled: false\n", HubProcess.INSTALLED_EDGE_HEAP);
        Topology.connected(edge);
        try {
            double[] oursBurst = burst(edge.url(), edge.pid(), "burst_ours");
            double[] peerBurst = burst(vmagent.url(), vmagent.process.pid(), "burst_peer");
            ProcStats oursSteady = steady(edge.url(), edge.pid(), "steady_ours");
            ProcStats peerSteady = steady(vmagent.url(), vmagent.process.pid(), "steady_peer");
            CentralClient api = new CentralClient(central.url());
            long[] oursKill = kill(edge.url(), "kill_ours", edge::kill9, edge::start, () -> stored(api));
            long[] peerKill =
                    kill(vmagent.url(), "kill_peer", vmagent.process::kill9, vmagent::restart, () -> exported(vmPort));
            return List.of(
                    Result.of(
                            "peer-vmagent: burst taken (dualhub edge vs vmagent)",
                            oursBurst[0],
                            "points/s",
                            peerBurst[0],
                            null),
                    Result.of(
                            "peer-vmagent: burst per CPU second",
                            oursBurst[1],
                            "points/s of a core",
                            peerBurst[1],
                            null),
                    Result.of(
                            "peer-vmagent: RSS at 10,000 points/s",
                            oursSteady.maxRssMb(),
                            "MB",
                            peerSteady.maxRssMb(),
                            null),
                    Result.of(
                            "peer-vmagent: CPU at 10,000 points/s",
                            oursSteady.cpuPercentOfCore(),
                            "% of a core",
                            peerSteady.cpuPercentOfCore(),
                            null),
                    Result.of(
                            "peer-vmagent: points answered 204 and lost by a kill -9 (ours of " + oursKill[0]
                                    + ", vmagent's of " + peerKill[0] + ")",
                            oursKill[1],
                            "points",
                            (double) peerKill[1],
                            null));
        } finally {
            vmagent.process.stop(Duration.ofSeconds(10));
            vm.stop(Duration.ofSeconds(10));
        }
    }

    /** {@link #BURST_POINTS} in 5,000-line writes from 4 connections: points/s, and points per CPU second. */
    private static double[] burst(String url, long pid, String measurement) throws Exception {
        ProcStats cpu = new ProcStats(pid);
        cpu.sample();
        double wall = new LineLoad(url, "/write", measurement).burst(BURST_POINTS, 4, 5_000);
        cpu.sample();
        double cpuSeconds = cpu.cpuPercentOfCore() / 100 * wall;
        return new double[] {BURST_POINTS / wall, cpuSeconds > 0 ? BURST_POINTS / cpuSeconds : 0};
    }

    /** The agent's memory and CPU while it takes {@link #STEADY_RATE} points/s for the stage's duration. */
    private ProcStats steady(String url, long pid, String measurement) throws Exception {
        ProcStats stats = new ProcStats(pid);
        Thread load = new Thread(() -> {
            try {
                new LineLoad(url, "/write", measurement).steady(STEADY_RATE, seconds);
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        load.start();
        stats.sampleFor(seconds);
        load.join();
        return stats;
    }

    /** Something the kill drill does to an agent. */
    @FunctionalInterface
    private interface Step {
        void run() throws Exception;
    }

    /** A count of the values a receiver holds of the kill drill's series. */
    @FunctionalInterface
    private interface Held {
        Set<Long> values() throws Exception;
    }

    /**
     * One point per write, {@link #KILL_WRITES_PER_SECOND} writes a second, for {@link #KILL_SECONDS}; the agent is
     * killed (-9) half way and started again at once; writes go on (refused ones are not counted). Once its receiver
     * holds no more for 30 s: the values answered 204, and how many of them the receiver lacks.
     */
    private long[] kill(String url, String measurement, Step kill, Step restart, Held held) throws Exception {
        Set<Long> accepted = new HashSet<>();
        long writes = (long) KILL_WRITES_PER_SECOND * KILL_SECONDS;
        long start = System.nanoTime();
        for (long v = 0; v < writes; v++) {
            if (v == writes / 2) {
                kill.run();
                restart.run();
            }
            long due = start + v * 1_000_000_000L / KILL_WRITES_PER_SECOND;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing the load
            }
            if (write(url, measurement, v)) {
                accepted.add(v);
            }
        }
        Set<Long> stored = settled(held);
        return new long[] {
            accepted.size(), accepted.stream().filter(v -> !stored.contains(v)).count()
        };
    }

    private boolean write(String url, String measurement, long value) {
        try {
            HttpRequest req = HttpRequest.newBuilder(URI.create(url + "/write?precision=ms"))
                    .timeout(Duration.ofSeconds(5))
                    .POST(HttpRequest.BodyPublishers.ofString(
                            measurement + ",host=bench value=" + value + "i " + System.currentTimeMillis()))
                    .build();
            return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode() == 204;
        } catch (IOException e) {
            return false; // the agent is down: the write is not answered, and not counted
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What the receiver holds once it has held no more for 30 s (at most 3 minutes). */
    private static Set<Long> settled(Held held) throws Exception {
        Set<Long> last = Set.of();
        long quietSince = System.nanoTime();
        long start = quietSince;
        while ((System.nanoTime() - quietSince) / 1e9 < 30 && (System.nanoTime() - start) / 1e9 < 180) {
            Set<Long> now;
            try {
                now = held.values();
            } catch (Exception e) {
                now = last; // the receiver is still starting
            }
            if (now.size() > last.size()) {
                last = now;
                quietSince = System.nanoTime();
            }
            Thread.sleep(1000); // polling a count whose last change is measured, not awaiting a condition
        }
        return last;
    }

    private static Set<Long> stored(CentralClient api) throws Exception {
        return new HashSet<>(api.values("kill_ours", "vmagent-peer-edge"));
    }

    private Set<Long> exported(int vmPort) throws Exception {
        String url = "http://127.0.0.1:" + vmPort + "/api/v1/export?match%5B%5D=kill_peer_value";
        String body = http.send(HttpRequest.newBuilder(URI.create(url)).build(), HttpResponse.BodyHandlers.ofString())
                .body();
        Set<Long> values = new HashSet<>();
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                for (JsonNode v : JSON.readTree(line).path("values")) {
                    values.add(v.asLong());
                }
            }
        }
        return values;
    }

    /** vmagent taking InfluxDB's /write and remote-writing to VictoriaMetrics, its queue on disk. */
    private static final class Agent {
        private final Path dir;
        private final int vmPort;
        private final int port = FreePorts.next();
        private OsProcess process;
        private int starts;

        Agent(Path dir, int vmPort) throws Exception {
            this.dir = dir;
            this.vmPort = vmPort;
            restart();
        }

        String url() {
            return "http://127.0.0.1:" + port;
        }

        void restart() throws Exception {
            process = OsProcess.start(
                    "vmagent",
                    List.of(
                            VMAGENT,
                            "-httpListenAddr=127.0.0.1:" + port,
                            "-remoteWrite.url=http://127.0.0.1:" + vmPort + "/api/v1/write",
                            "-remoteWrite.tmpDataPath=" + dir.resolve("vmagent-queue")),
                    dir.resolve("vmagent-" + ++starts + ".log"));
            HttpClient probe = HttpClient.newHttpClient();
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (System.nanoTime() < until) {
                try {
                    if (probe.send(
                                            HttpRequest.newBuilder(URI.create(url() + "/health"))
                                                    .build(),
                                            HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200) {
                        return;
                    }
                } catch (IOException e) {
                    // not listening yet
                }
                Thread.sleep(50); // polling a starting process
            }
            throw new IllegalStateException("vmagent did not answer /health within 30 s; see " + process.log());
        }
    }
}
