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
 * Export: a running CentralHub catching up on a backlog of {@value DataPathBench#POINTS} points after its
 * remote-write receiver, a real VictoriaMetrics, was down while they were stored (so export runs alone), beside a
 * plain remote-write client sending the very same requests (recorded on the way) to a second VictoriaMetrics in the
 * same run. A hub runs for months, so the backlog is timed once the hub has exported a first one of
 * {@value DataPathBench#WARMUP_POINTS} points the same way, with its export path compiled; that first catch-up is
 * reported beside it. Needs Debian's victoria-metrics; without it the stage says so and is left out.
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
            proxy.refuse();
            // the replay window is a recovery's cost, not the steady rate: left out here; a short backoff, so the
            // exporter comes back within a second of the receiver
            HubProcess central = topo.central(
                    "bench",
                    "export:\n  replay-window: 0s\n  max-backoff: 1s\n  remote-write:\n    urls: " + proxy.url()
                            + "\n");
            CentralClient api = new CentralClient(central.url());
            topo.streamsReady("bench");
            HubProcess edge = topo.edge("bench-edge", Topology.EDGE_YAML);
            double first = catchUp(edge, api, proxy, "warmup", DataPathBench.WARMUP_POINTS, 0);
            proxy.refuse();
            double rate = catchUp(edge, api, proxy, "bench", DataPathBench.POINTS, DataPathBench.WARMUP_POINTS);
            double plainRate =
                    DataPathBench.POINTS / RemoteWriteRequests.send(URI.create(plain.writeUrl()), proxy.bodies());
            topo.done();
            return List.of(
                    Result.of(NAME, rate, "samples/s", plainRate, Goal.ratioAtLeast(0.8)),
                    Result.of(NAME + " (absolute)", rate, "samples/s", null, Goal.atLeast(500_000, "samples/s")),
                    Result.of(
                            "export: the first 1,000,000 samples after start (JIT warming up)",
                            first,
                            "samples/s",
                            null,
                            null));
        }
    }

    /**
     * Writes {@code points} while the receiver is down, waits until the hub stored them, then lets the proxy forward
     * and returns the samples per second from its first request to its last answer.
     */
    private static double catchUp(
            HubProcess edge, CentralClient api, RecordingProxy proxy, String measurement, long points, long before)
            throws Exception {
        new LineLoad(edge.url(), measurement).burst(points, DataPathBench.CONNECTIONS, 5_000);
        Topology.drained(edge);
        Topology.stored(api, before + points);
        proxy.forwardAnew();
        await("exported " + (before + points))
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(250)) // the time is the proxy's: asking more often costs the hub
                .ignoreExceptions()
                .until(() ->
                        api.get("/api/v1/export").get(0).path("samplesExported").asLong() >= before + points);
        return points / ((proxy.lastNanos() - proxy.firstNanos()) / 1e9);
    }
}
