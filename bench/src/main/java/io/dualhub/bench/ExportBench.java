package io.dualhub.bench;

import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.RemoteWriteReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Export: a CentralHub sending a backlog of {@value DataPathBench#POINTS} points (already stored, so export runs
 * alone) from the metrics streams to a real VictoriaMetrics, beside a plain remote-write client sending the very same
 * requests (recorded on the way) to a second VictoriaMetrics in the same run. Needs Debian's victoria-metrics; without
 * it the stage says so and is left out.
 */
final class ExportBench {
    private static final String NAME = "export: streams -> remote write -> VictoriaMetrics";

    List<Result> run() throws Exception {
        if (RemoteWriteReceiver.missing().isPresent()) {
            System.out.println(
                    "export stage left out: " + RemoteWriteReceiver.missing().get());
            return List.of();
        }
        try (Topology topo = new Topology();
                RemoteWriteReceiver ours =
                        RemoteWriteReceiver.victoriaMetrics(topo.dir().resolve("vm-export"));
                RemoteWriteReceiver plain =
                        RemoteWriteReceiver.victoriaMetrics(topo.dir().resolve("vm-plain"));
                RecordingProxy proxy = new RecordingProxy(URI.create(ours.writeUrl()))) {
            HubProcess central = topo.central("bench");
            CentralClient api = new CentralClient(central.url());
            topo.streamsReady("bench");
            HubProcess edge = topo.edge("bench-edge", Topology.EDGE_YAML);
            new LineLoad(edge.url(), "bench").burst(DataPathBench.POINTS, DataPathBench.CONNECTIONS, 5_000);
            Topology.drained(edge);
            Topology.stored(api, DataPathBench.POINTS);
            central.stop();

            // the same hub on its store, which holds everything: only the export runs. The replay window is a
            // recovery's cost, not the steady rate: left out here
            HubProcess exporter = topo.central(
                    "bench", "export:\n  replay-window: 0s\n  remote-write:\n    urls: " + proxy.url() + "\n");
            CentralClient exporting = new CentralClient(exporter.url());
            await("exported " + DataPathBench.POINTS)
                    .atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(250)) // the time is the proxy's: asking more often costs the hub
                    .ignoreExceptions()
                    .until(() -> exporting
                                    .get("/api/v1/export")
                                    .get(0)
                                    .path("samplesExported")
                                    .asLong()
                            >= DataPathBench.POINTS);
            double seconds = (proxy.lastNanos() - proxy.firstNanos()) / 1e9;
            double rate = DataPathBench.POINTS / seconds;
            double plainRate =
                    DataPathBench.POINTS / RemoteWriteRequests.send(URI.create(plain.writeUrl()), proxy.bodies());
            topo.done();
            return List.of(
                    Result.of(NAME, rate, "samples/s", plainRate, Goal.ratioAtLeast(0.8)),
                    Result.of(NAME + " (absolute)", rate, "samples/s", null, Goal.atLeast(500_000, "samples/s")));
        }
    }
}
