package io.dualhub.edge.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.EdgeMain;
import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.NodeExporter;
import io.micronaut.context.ApplicationContext;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge scraping a real node_exporter (through a proxy that records every page it served), itself, and three
 * targets that misbehave: one that never answers, one that answers garbage, one where nothing listens. Every node_*
 * sample of each page the exporter served is in the edge's buffer with its labels and value, the misbehaving
 * targets are down with their reason in /health and /prometheus, and they cost the others nothing.
 */
class ScrapeTest {
    private static final Pattern LINE = Pattern.compile("([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)})?\\s+(\\S+)");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final List<String> served = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);

    @Test
    void everyServedSampleIsBufferedAndBadTargetsAreDownWithoutDisturbingTheOthers() throws Exception {
        Assumptions.assumeTrue(
                NodeExporter.missing().isEmpty(),
                () -> "skipped: " + NodeExporter.missing().get());
        HttpServer targets = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        targets.setExecutor(Executors.newCachedThreadPool());
        int edgePort = FreePorts.next();
        int nothing = FreePorts.next();
        try (NodeExporter exporter = NodeExporter.start(dir.resolve("node_exporter.log"))) {
            targets.createContext("/node", x -> proxy(x, exporter.url()));
            targets.createContext("/hang", this::hang);
            targets.createContext("/garbage", x -> answer(x, 200, "<html>not metrics</html>"));
            targets.start();
            String base = "http://127.0.0.1:" + targets.getAddress().getPort();
            Map<String, String> flags = new HashMap<>(Map.of(
                    "id", "scraper",
                    "nats.servers", NATS.urls(),
                    "data.dir", dir.resolve("data").toString(),
                    "http.port", Integer.toString(edgePort),
                    "collect.enabled", "false",
                    "scrape.interval", "1s",
                    "scrape.timeout", "800ms"));
            target(flags, 0, "node", base + "/node");
            flags.put("scrape.targets.0.labels.site", "lab");
            target(flags, 1, "hang", base + "/hang");
            target(flags, 2, "garbage", base + "/garbage");
            target(flags, 3, "gone", "http://127.0.0.1:" + nothing + "/metrics");
            target(flags, 4, "self", "http://127.0.0.1:" + edgePort + "/prometheus");
            try (ApplicationContext context = EdgeMain.start(EdgeConfig.load(null, flags))) {
                EdgeAgent agent = context.getBean(EdgeAgent.class);
                await("four pages of node_exporter served and every target scraped")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> served.size() >= 4
                                && agent.scrapeTargets().stream()
                                        .noneMatch(t -> t.health().equals("unknown")));

                Map<String, TargetStatus> byJob = new HashMap<>();
                agent.scrapeTargets().forEach(t -> byJob.put(t.job(), t));
                assertThat(byJob.get("node").health()).isEqualTo("up");
                assertThat(byJob.get("self").health()).isEqualTo("up");
                assertThat(byJob.get("hang").lastError()).isEqualTo("no answer within 800 ms (the target's timeout)");
                assertThat(byJob.get("garbage").lastError()).startsWith("line 1: expected a metric name");
                assertThat(byJob.get("gone").lastError()).startsWith("cannot connect");
                assertEveryServedNodeSampleIsBuffered(
                        agent, targets.getAddress().getPort());
                assertTheEdgeSaysSo(edgePort);
            }
        } finally {
            release.countDown();
            targets.stop(0);
        }
    }

    private static void target(Map<String, String> flags, int i, String job, String url) {
        flags.put("scrape.targets." + i + ".job", job);
        flags.put("scrape.targets." + i + ".urls", url);
    }

    /**
     * The edge's scrapes of the proxy in time order are the pages served in order: each page's node_* samples with a
     * finite value, under the target's labels, are exactly the node_* points of that scrape (one timestamp each).
     */
    private void assertEveryServedNodeSampleIsBuffered(EdgeAgent agent, int proxyPort) {
        TreeMap<Long, List<String>> scrapes = new TreeMap<>();
        agent.buffer().readRange(1, agent.buffer().lastSeq(), batch -> {
            for (Point p : BatchCodec.decode(batch.payload()).points()) {
                if (p.metric().startsWith("node_") && "node".equals(p.tags().get("job"))) {
                    scrapes.computeIfAbsent(p.timestampMs(), t -> new ArrayList<>())
                            .add(p.metric() + p.tags() + " " + p.value());
                }
            }
            return true;
        });
        List<List<String>> stored = new ArrayList<>(scrapes.values());
        int compared = Math.min(stored.size(), served.size() - 1); // the last page may still be on its way
        assertThat(compared).isGreaterThanOrEqualTo(3);
        for (int i = 0; i < compared; i++) {
            List<String> expected = nodeSamples(served.get(i), proxyPort);
            assertThat(expected).hasSizeGreaterThan(100);
            assertThat(new TreeSet<>(stored.get(i))).as("scrape " + (i + 1)).isEqualTo(new TreeSet<>(expected));
            assertThat(stored.get(i)).hasSameSizeAs(expected);
        }
    }

    /** The page's node_* samples with a finite value, as the edge should keep them, read by a parser of the test's. */
    private static List<String> nodeSamples(String page, int proxyPort) {
        List<String> samples = new ArrayList<>();
        for (String line : page.split("\n")) {
            Matcher m = LINE.matcher(line);
            if (line.startsWith("#") || !m.matches() || !m.group(1).startsWith("node_")) {
                continue;
            }
            double value = Double.parseDouble(m.group(3).replace("Inf", "Infinity"));
            if (!Double.isFinite(value)) {
                continue;
            }
            TreeMap<String, String> labels =
                    new TreeMap<>(Map.of("job", "node", "instance", "127.0.0.1:" + proxyPort, "site", "lab"));
            Matcher l = LABEL.matcher(m.group(2) == null ? "" : m.group(2));
            while (l.find()) {
                labels.put(
                        l.group(1),
                        l.group(2).replace("\\\"", "\"").replace("\\n", "\n").replace("\\\\", "\\"));
            }
            samples.add(m.group(1) + labels + " " + value);
        }
        return samples;
    }

    private static void assertTheEdgeSaysSo(int edgePort) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        String health = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/health"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(health).contains("\"job\":\"hang\"", "no answer within 800 ms", "\"health\":\"down\"");
        String meters = http.send(
                        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edgePort + "/prometheus"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString())
                .body();
        assertThat(meters).containsPattern("dualhub_edge_scrape_up\\{instance=\"127.0.0.1:\\d+\",job=\"node\"} 1.0");
        assertThat(meters).containsPattern("dualhub_edge_scrape_up\\{instance=\"127.0.0.1:\\d+\",job=\"hang\"} 0.0");
    }

    private void proxy(HttpExchange x, String url) throws IOException {
        try {
            HttpResponse<String> page = HttpClient.newHttpClient()
                    .send(
                            HttpRequest.newBuilder(URI.create(url))
                                    .header("Accept", x.getRequestHeaders().getFirst("Accept"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString());
            served.add(page.body());
            x.getResponseHeaders()
                    .add(
                            "Content-Type",
                            page.headers().firstValue("Content-Type").orElse("text/plain"));
            answer(x, page.statusCode(), page.body());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            answer(x, 500, "interrupted");
        }
    }

    /** Never answers until the test ends. */
    private void hang(HttpExchange x) throws IOException {
        try {
            release.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        answer(x, 200, "late 1\n");
    }

    private static void answer(HttpExchange x, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        x.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = x.getResponseBody()) {
            out.write(bytes);
        }
    }
}
