package io.dualhub.chaos.drills;

import static org.awaitility.Awaitility.await;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.UsageException;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.NatsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dualhub rate}: the end-to-end rate of the data path on this machine. Starts its own nats-server,
 * CentralHub and edge (from the built jars), writes points through the edge's HTTP API from several connections
 * in large line-protocol requests, and reports how fast the edge accepted them and how fast they were stored.
 */
@Command(
        name = "dualhub rate",
        description = "Measure the end-to-end rate: own nats-server, CentralHub and edge; points written over HTTP"
                + " until stored.")
public final class RateProbe implements Callable<Integer> {
    @Option(names = "--points", paramLabel = "N", defaultValue = "1000000", description = "points to write")
    long points;

    @Option(names = "--connections", paramLabel = "N", defaultValue = "4", description = "HTTP connections")
    int connections;

    @Option(names = "--lines", paramLabel = "N", defaultValue = "5000", description = "lines per request")
    int perRequest;

    public static void main(String[] args) {
        Cli.exit(new RateProbe(), args);
    }

    @Override
    public Integer call() throws Exception {
        if (points < perRequest || connections < 1 || perRequest < 1) {
            throw new UsageException("--points " + points + " --connections " + connections + " --lines " + perRequest
                    + ": at least one connection, one line per request and one request of points");
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
        return 0;
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
