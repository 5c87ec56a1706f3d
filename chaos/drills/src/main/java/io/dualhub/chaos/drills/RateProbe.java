package io.dualhub.chaos.drills;

import static org.awaitility.Awaitility.await;

import io.dualhub.chaos.harness.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * {@code ./dualhub rate}: the end-to-end rate of the data path on this machine. Starts its own nats-server,
 * CentralHub and edge (from the built jars), writes points through the edge's HTTP API from several connections
 * in large line-protocol requests, and reports how fast the edge accepted them and how fast they were stored.
 */
public final class RateProbe {
    private RateProbe() {
    }

    public static void main(String[] args) throws Exception {
        long points = 1_000_000;
        int connections = 4;
        int perRequest = 5_000;
        for (int i = 0; i + 1 < args.length; i += 2) {
            switch (args[i]) {
                case "--points" -> points = Long.parseLong(args[i + 1]);
                case "--connections" -> connections = Integer.parseInt(args[i + 1]);
                case "--lines" -> perRequest = Integer.parseInt(args[i + 1]);
                default -> throw new IllegalArgumentException("unknown flag " + args[i]
                        + "; valid: --points N, --connections N, --lines N");
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
        long requests = total / perRequest;
        AtomicLong nextRequest = new AtomicLong();
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long start = System.nanoTime();
        List<Future<?>> writers = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            writers.add(pool.submit(() -> {
                for (long r = nextRequest.getAndIncrement(); r < requests; r = nextRequest.getAndIncrement()) {
                    post(http, edgeUrl, body(r, perRequest));
                }
                return null;
            }));
        }
        for (Future<?> w : writers) {
            w.get();
        }
        double acceptSeconds = (System.nanoTime() - start) / 1e9;
        pool.shutdown();
        long stored = requests * perRequest;
        await().atMost(Duration.ofMinutes(10)).pollInterval(Duration.ofMillis(50))
                .until(() -> central.pointsStored() >= stored);
        double storeSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("points %,d in %,d requests of %,d lines over %d connections%n", stored, requests,
                perRequest, connections);
        System.out.printf("accepted by the edge (HTTP 204): %,.0f points/s (%.2f s)%n", stored / acceptSeconds, acceptSeconds);
        System.out.printf("stored at the CentralHub (end to end): %,.0f points/s (%.2f s)%n", stored / storeSeconds, storeSeconds);
    }

    private static String body(long request, int lines) {
        StringBuilder sb = new StringBuilder(lines * 48);
        long base = request * lines;
        for (int i = 0; i < lines; i++) {
            long n = base + i;
            sb.append("rate,host=h").append(n % 16).append(" n=").append(n).append("i ").append(1_700_000_000_000L + n)
                    .append('\n');
        }
        return sb.toString();
    }

    private static void post(HttpClient http, String edgeUrl, String body) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(edgeUrl + "/api/v1/write?precision=ms"))
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 204) {
            throw new IllegalStateException("edge answered " + status);
        }
    }
}
