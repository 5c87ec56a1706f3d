package io.dualhub.bench;

import static org.awaitility.Awaitility.await;

import io.dualhub.common.Subjects;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HeadlessChromium;
import io.dualhub.testkit.HubProcess;
import io.nats.client.JetStream;
import io.nats.client.PublishOptions;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;

/**
 * {@code dashboard}: the CentralHub's dashboard in headless Chromium, from navigation to its first full view (the
 * page's own mark {@code dualhub:drawn:<page>}, set in the frame after its data is on screen and its charts are
 * drawn): the fleet page with 1,000 edges, and Explore on a 7-day series at a 1-minute step. The reference beside
 * each: the same browser fetching the same API answers the page reads. Each figure is the median of five loads.
 */
final class DashboardBench {
    static final int EDGES = 1_000;
    static final int WEEK_MINUTES = 7 * 24 * 60;
    private static final int LOADS = 5;
    private static final String WEEK_EDGE = "week";
    private static final String WEEK_METRIC = "week_v";

    List<Result> run() throws Exception {
        Optional<String> missing = HeadlessChromium.missing();
        if (missing.isPresent()) {
            System.out.println("dashboard: skipped, " + missing.get());
            return List.of();
        }
        try (Topology topo = new Topology()) {
            HubProcess central = topo.central("bench");
            topo.streamsReady("bench");
            Topology.stored(new CentralClient(central.url()), seed(topo.nats().jetStream()));
            try (HeadlessChromium browser = HeadlessChromium.start(Files.createTempDirectory(topo.dir(), "chromium"))) {
                String hub = central.url();
                long from = System.currentTimeMillis() - WEEK_MINUTES * 60_000L;
                String query =
                        "/api/v1/query?metric=" + WEEK_METRIC + "&edge=" + WEEK_EDGE + "&from=" + from + "&step=1m";
                List<Result> results = List.of(
                        Result.of(
                                "dashboard: fleet page, 1,000 edges, navigation -> drawn",
                                median(() -> drawn(browser, hub + "/#/fleet", "fleet")),
                                "ms",
                                median(() -> fetched(
                                        browser,
                                        hub,
                                        List.of("/api/v1/edges", "/api/v1/alerts", "/api/v1/performance/rates"))),
                                Goal.atMost(1000, "ms")),
                        Result.of(
                                "dashboard: explore, a 7-day series at a 1-minute step, navigation -> drawn",
                                median(() -> drawn(
                                        browser,
                                        hub + "/#/explore?metric=" + WEEK_METRIC + "&edge=" + WEEK_EDGE
                                                + "&range=7d&step=1m",
                                        "explore")),
                                "ms",
                                median(() -> fetched(browser, hub, List.of(query))),
                                Goal.atMost(500, "ms")));
                topo.done();
                return results;
            }
        }
    }

    /**
     * One batch of ten points from each of {@link #EDGES} edges, and a week of one point a minute from one more,
     * published as edges publish them; returns the points sent.
     */
    private static long seed(JetStream js) throws Exception {
        long now = System.currentTimeMillis();
        List<CompletableFuture<?>> acks = new ArrayList<>();
        long points = 0;
        for (int e = 0; e < EDGES; e++) {
            List<Point> batch = new ArrayList<>();
            for (int i = 0; i < 10; i++) {
                batch.add(Point.of("host_load1", Map.of(), now - (10 - i) * 10_000L, e % 7 + i / 10.0));
            }
            acks.add(publish(js, new Batch(String.format("edge-%04d", e), "", 1, now, batch)));
            points += batch.size();
        }
        long seq = 1;
        for (int first = 0; first < WEEK_MINUTES; first += 1_000) {
            List<Point> batch = new ArrayList<>();
            for (int m = first; m < Math.min(WEEK_MINUTES, first + 1_000); m++) {
                long at = now - (WEEK_MINUTES - m) * 60_000L;
                batch.add(Point.of(WEEK_METRIC, Map.of(), at, 50 + 40 * Math.sin(m * 2 * Math.PI / 1440)));
            }
            acks.add(publish(js, new Batch(WEEK_EDGE, "", seq++, now, batch)));
            points += batch.size();
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get();
        return points;
    }

    private static CompletableFuture<?> publish(JetStream js, Batch batch) {
        PublishOptions options = PublishOptions.builder()
                .messageId(batch.edgeId() + "-" + batch.seq())
                .build();
        return js.publishAsync(Subjects.metrics(batch.edgeId()), BatchCodec.encode(batch), options);
    }

    /** Milliseconds from navigating to {@code url} (a fresh page load) until the page marked its first full view. */
    private static double drawn(HeadlessChromium browser, String url, String page) {
        browser.open("about:blank");
        browser.open(url);
        String mark = "dualhub:drawn:" + page;
        return await(mark)
                .atMost(HeadlessChromium.PATIENCE)
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> (Number) browser.script(
                                "const m = performance.getEntriesByName(arguments[0]);"
                                        + " return m.length ? m[0].startTime : null;",
                                mark),
                        v -> v != null)
                .doubleValue();
    }

    /** Milliseconds the browser takes to fetch and parse {@code paths} of the hub, all at once. */
    private static double fetched(HeadlessChromium browser, String hub, List<String> paths) {
        browser.open(hub + "/ui/app.css"); // a page of the hub's origin, so the fetches are its own
        Object ms = browser.asyncScript(
                "const done = arguments[arguments.length - 1]; const t0 = performance.now();"
                        + " Promise.all(arguments[0].map((p) => fetch(p, {cache: 'no-store'}).then((r) => r.json())))"
                        + ".then(() => done(performance.now() - t0), (e) => done(-1));",
                paths);
        double value = ((Number) ms).doubleValue();
        if (value < 0) {
            throw new IllegalStateException("the reference fetches of " + paths + " failed");
        }
        return value;
    }

    private interface Load {
        double ms() throws Exception;
    }

    private static double median(Load load) throws Exception {
        double[] ms = new double[LOADS];
        for (int i = 0; i < LOADS; i++) {
            ms[i] = load.ms();
        }
        Arrays.sort(ms);
        return ms[LOADS / 2];
    }
}
