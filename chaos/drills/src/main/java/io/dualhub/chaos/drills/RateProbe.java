package io.dualhub.chaos.drills;

import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.NatsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * {@code ./dualhub rate}: the end-to-end rate of the data path on this machine. Starts its own nats-server,
 * CentralHub and edge (from the built jars), writes points through the edge's HTTP API from several connections
 * in large line-protocol requests, and reports how fast the edge accepted them and how fast they were stored.
 */
public final class RateProbe {
    private RateProbe() {}

    public static void main(String[] args) throws Exception {
        long points = 1_000_000;
        int connections = 4;
        int perRequest = 5_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--points" -> points = Long.parseLong(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--lines" -> perRequest = Integer.parseInt(args[i + 1]);
                default ->
                    throw new IllegalArgumentException(
                            "unknown flag " + args[i] + "; valid: --points N, --connections N, --lines N");
            }
        }
        Path dir = Files.createTempDirectory("dualhub-rate-");
        NatsFixture nats = NatsFixture.single();
        nats.start();
        try (Hubs hubs = new Hubs(dir, nats.urls())) {
            HubProcess central = hubs.central("main", "");
            HubProcess edge = hubs.edge("rate", "collect:\n  enabled: false\n");
            run(edge.url(), new CentralClient(central.url()), points, connections, perRequest);
        } finally {
            nats.close();
        }
    }

    private static void run(String edgeUrl, CentralClient central, long total, int connections, int perRequest)
            throws Exception {
        long stored = total / perRequest * perRequest;
        long start = System.nanoTime();
        double acceptSeconds = new LineLoad(edgeUrl, "rate").burst(stored, connections, perRequest);
        await().atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> central.pointsStored() >= stored);
        double storeSeconds = (System.nanoTime() - start) / 1e9;
        long requests = stored / perRequest;
        System.out.printf(
                "points %,d in %,d requests of %,d lines over %d connections%n",
                stored, requests, perRequest, connections);
        System.out.printf(
                "accepted by the edge (HTTP 204): %,.0f points/s (%.2f s)%n", stored / acceptSeconds, acceptSeconds);
        System.out.printf(
                "stored at the CentralHub (end to end): %,.0f points/s (%.2f s)%n",
                stored / storeSeconds, storeSeconds);
    }
}
