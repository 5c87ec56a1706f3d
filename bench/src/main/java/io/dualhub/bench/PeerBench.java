package io.dualhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.OsProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/**
 * The same host-metrics forwarding job done by Prometheus in agent mode (scraping node-exporter every 10 s,
 * remote-writing to VictoriaMetrics) beside a dualhub edge (collecting every 10 s, forwarding to JetStream and a
 * CentralHub): memory and CPU of each side's agent processes over {@code seconds}, then a 5-minute outage of each
 * side's receiver (VictoriaMetrics; the NATS server) and what each has stored of the outage afterwards and how long
 * it took. Needs Debian's prometheus, prometheus-node-exporter and victoria-metrics; without them the stage is
 * skipped with the command that installs them.
 */
final class PeerBench {
    static final String INSTALL = "apt-get install -y prometheus prometheus-node-exporter victoria-metrics";
    private static final String PROMETHEUS = "/usr/bin/prometheus";
    private static final String NODE_EXPORTER = "/usr/bin/prometheus-node-exporter";
    private static final String VICTORIA = "/usr/bin/victoria-metrics";
    private static final int INTERVAL_SECONDS = 10; // the edge's collect.interval default
    private static final int OUTAGE_SECONDS = 300;
    private static final int CATCH_UP_LIMIT_SECONDS = 180;
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();
    private final int seconds;

    PeerBench(int seconds) {
        this.seconds = seconds;
    }

    void run(Report report) throws Exception {
        if (report.skips("peer", List.of(PROMETHEUS, NODE_EXPORTER, VICTORIA), INSTALL)) {
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
        int exporterPort = FreePorts.next();
        List<String> vmCommand = List.of(
                VICTORIA,
                "-storageDataPath=" + dir.resolve("vm"),
                "-httpListenAddr=127.0.0.1:" + vmPort,
                "-retentionPeriod=1d");
        OsProcess vm = OsProcess.start("victoria-metrics", vmCommand, dir.resolve("vm.log"));
        OsProcess exporter = OsProcess.start(
                "node-exporter",
                List.of(NODE_EXPORTER, "--web.listen-address=127.0.0.1:" + exporterPort),
                dir.resolve("node-exporter.log"));
        OsProcess prometheus = OsProcess.start(
                "prometheus-agent",
                List.of(
                        PROMETHEUS,
                        "--enable-feature=agent",
                        "--config.file=" + prometheusConfig(dir, exporterPort, vmPort),
                        "--storage.agent.path=" + dir.resolve("agent-wal"),
                        "--web.listen-address=127.0.0.1:" + FreePorts.next()),
                dir.resolve("prometheus.log"));
        HubProcess central = topo.central("peer");
        topo.streamsReady("peer");
        HubProcess edge = topo.edge("peer-edge", "", HubProcess.INSTALLED_EDGE_HEAP);
        Topology.connected(edge);
        try {
            ProcStats ours = new ProcStats(edge.pid());
            ProcStats promStats = new ProcStats(prometheus.pid());
            ProcStats exporterStats = new ProcStats(exporter.pid());
            for (int i = 0; i <= seconds; i++) {
                ours.sample();
                promStats.sample();
                exporterStats.sample();
                Thread.sleep(1000); // the sampling interval
            }
            long outageFrom = System.currentTimeMillis();
            vm.stop(Duration.ofSeconds(10));
            topo.node().stop();
            Thread.sleep(OUTAGE_SECONDS * 1000L); // the outage itself: both receivers down this long
            long outageTo = System.currentTimeMillis();
            vm = OsProcess.start("victoria-metrics", vmCommand, dir.resolve("vm-after.log"));
            topo.node().start(); // both receivers back within the same second
            CentralClient api = new CentralClient(central.url());
            long expected = (outageTo - outageFrom) / 1000 / INTERVAL_SECONDS;
            double[][] caughtUp = catchUp(List.of(
                    () -> storedSamples(api, outageFrom, outageTo), () -> vmSamples(vmPort, outageFrom, outageTo)));
            double[] oursCatchUp = caughtUp[0];
            double[] peerCatchUp = caughtUp[1];
            return List.of(
                    Result.of(
                            "peer: agent RSS (dualhub edge vs Prometheus agent + node-exporter)",
                            ours.maxRssMb(),
                            "MB",
                            promStats.maxRssMb() + exporterStats.maxRssMb(),
                            null),
                    Result.of(
                            "peer: agent CPU (dualhub edge vs Prometheus agent + node-exporter)",
                            ours.cpuPercentOfCore(),
                            "% of a core",
                            promStats.cpuPercentOfCore() + exporterStats.cpuPercentOfCore(),
                            null),
                    Result.of(
                            "peer: samples of a 5-min receiver outage lost (of " + expected + ", one series)",
                            Math.max(0, expected - oursCatchUp[0]),
                            "samples",
                            Math.max(0, expected - peerCatchUp[0]),
                            null),
                    Result.of("peer: catch-up after the receiver is back", oursCatchUp[1], "s", peerCatchUp[1], null));
        } finally {
            prometheus.stop(Duration.ofSeconds(10));
            exporter.stop(Duration.ofSeconds(10));
            vm.stop(Duration.ofSeconds(10));
        }
    }

    /** A count of samples that only grows as a side catches up. */
    private interface SampleCount {
        long get() throws Exception;
    }

    /**
     * Polls every side's count each second, all from the same start (the receivers back), until none has grown for
     * 30 s (or the limit); returns per side the final count and the seconds from the start to its last growth.
     */
    private static double[][] catchUp(List<SampleCount> counts) throws Exception {
        long start = System.nanoTime();
        long[] last = new long[counts.size()];
        long[] lastGrowth = new long[counts.size()];
        Arrays.fill(last, -1);
        Arrays.fill(lastGrowth, start);
        long quietSince = start;
        while ((System.nanoTime() - quietSince) / 1e9 < 30
                && (System.nanoTime() - start) / 1e9 < CATCH_UP_LIMIT_SECONDS) {
            for (int i = 0; i < counts.size(); i++) {
                long n = countOrLast(counts.get(i), last[i]);
                if (n > last[i]) {
                    last[i] = n;
                    lastGrowth[i] = System.nanoTime();
                    quietSince = lastGrowth[i];
                }
            }
            Thread.sleep(1000); // polling counts whose last change is measured, not awaiting a condition
        }
        double[][] out = new double[counts.size()][];
        for (int i = 0; i < counts.size(); i++) {
            out[i] = new double[] {Math.max(0, last[i]), (lastGrowth[i] - start) / 1e9};
        }
        return out;
    }

    /** The count, or the last one while the receiver is still starting. */
    private static long countOrLast(SampleCount count, long last) {
        try {
            return count.get();
        } catch (Exception e) {
            return last;
        }
    }

    private long vmSamples(int port, long fromMs, long toMs) throws Exception {
        String url = "http://127.0.0.1:" + port + "/api/v1/export?match[]=node_memory_MemAvailable_bytes&start="
                + fromMs / 1000 + "&end=" + toMs / 1000;
        String body = http.send(
                        HttpRequest.newBuilder(URI.create(url.replace("[]", "%5B%5D")))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        long n = 0;
        for (String line : body.split("\n")) {
            if (!line.isBlank()) {
                n += JSON.readTree(line).path("timestamps").size();
            }
        }
        return n;
    }

    private static long storedSamples(CentralClient api, long fromMs, long toMs) throws Exception {
        JsonNode series = api.get(
                        "/api/v1/query?metric=host_memory_used_bytes&edge=peer-edge&from=" + fromMs + "&to=" + toMs)
                .path("series");
        return series.isEmpty() ? 0 : series.get(0).path("points").size();
    }

    private static Path prometheusConfig(Path dir, int exporterPort, int vmPort) throws Exception {
        return Files.writeString(
                dir.resolve("prometheus.yml"),
                "global:\n  scrape_interval: " + INTERVAL_SECONDS
                        + "s\nscrape_configs:\n  - job_name: node\n    static_configs:\n      - targets: ['127.0.0.1:"
                        + exporterPort + "']\nremote_write:\n  - url: http://127.0.0.1:" + vmPort + "/api/v1/write\n");
    }
}
