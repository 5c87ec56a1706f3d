package io.dualhub.bench;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import java.util.ArrayList;
import java.util.List;

/**
 * Collection -> stored latency at a steady 10,000 points/s (a request of 500 points every 50 ms, each point stamped
 * when sent): p50/p95/p99 as the CentralHub measures it (the oldest point of each batch to its commit), beside the
 * transport's own publish -> delivery latency of messages of the same size at the same message rate.
 */
final class E2eBench {
    static final int RATE = 10_000;
    private static final int BATCHES_PER_SECOND = 20;
    private static final int WARM_UP_SECONDS = 10;
    private final int seconds;

    E2eBench(int seconds) {
        this.seconds = seconds;
    }

    List<Result> run() throws Exception {
        try (Topology topo = new Topology()) {
            HubProcess central = topo.central("e2e");
            topo.streamsReady("e2e");
            CentralClient api = new CentralClient(central.url());
            // both edges on the heap and flags their installers give them: what runs on a user's machine
            HubProcess warmUp = topo.edge("e2e-warm-up", Topology.EDGE_YAML, HubProcess.INSTALLED_EDGE_HEAP);
            Topology.connected(warmUp);
            long points = new LineLoad(warmUp.url(), "warmup").steady(RATE, WARM_UP_SECONDS);
            warmUp.stop();
            HubProcess edge = topo.edge("e2e-edge", Topology.EDGE_YAML, HubProcess.INSTALLED_EDGE_HEAP);
            Topology.connected(edge);
            points += new LineLoad(edge.url(), "e2e").steady(RATE, seconds);
            Topology.stored(api, points);
            JsonNode performance = api.get("/api/v1/performance");
            JsonNode edgePerformance = edgeEntry(performance, "e2e-edge");
            JsonNode latency = edgePerformance.path("collectToStored");

            RawJetStream raw = new RawJetStream(topo.nats());
            double[] reference = raw.latencies(BATCHES_PER_SECOND, batchBytes(topo), Math.min(seconds, 30));
            raw.drop();
            topo.done();
            List<Result> results = new ArrayList<>();
            for (String p : List.of("p50", "p95", "p99")) {
                double ref = RawJetStream.percentile(reference, Double.parseDouble(p.substring(1)));
                results.add(Result.of(
                        "e2e: collection -> stored " + p + " at 10,000 points/s",
                        latency.path(p + "Ms").asDouble(),
                        "ms",
                        ref,
                        p.equals("p99") ? Goal.atMost(25, "ms") : null));
            }
            // Where the time goes, from the same run: two of the steps on the way, as the hubs measure them.
            results.add(Result.of(
                    "e2e part: edge publish -> JetStream ack p99",
                    edgePerformance.path("publishAck").path("p99Ms").asDouble(),
                    "ms",
                    null,
                    null));
            results.add(Result.of(
                    "e2e part: CentralHub store commit p99",
                    performance.path("storeCommit").path("p99Ms").asDouble(),
                    "ms",
                    null,
                    null));
            return results;
        }
    }

    /** One edge's entry in {@code /api/v1/performance}. */
    private static JsonNode edgeEntry(JsonNode performance, String edgeId) {
        for (JsonNode e : performance.path("edges")) {
            if (e.path("edgeId").asText().equals(edgeId)) {
                return e;
            }
        }
        throw new IllegalStateException("no entry for " + edgeId + " in " + performance);
    }

    /** The mean size of the batches the edge published: the reference sends messages of that size. */
    private static int batchBytes(Topology topo) throws Exception {
        var state = topo.nats()
                .jetStreamManagement()
                .getStreamInfo("DUALHUB_METRICS")
                .getStreamState();
        return (int) Math.max(64, state.getByteCount() / Math.max(1, state.getMsgCount()));
    }
}
