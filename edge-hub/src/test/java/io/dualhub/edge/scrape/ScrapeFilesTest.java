package io.dualhub.edge.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.config.EdgeConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Targets from a file ({@code scrape.files}) are followed as the file changes: new ones scraped, removed ones no
 * longer scraped (their meters gone, their series ended with staleness markers), a broken file keeps the targets it
 * had and says why, a deleted one has none.
 */
class ScrapeFilesTest {
    @TempDir
    Path dir;

    private HttpServer server;
    private String base;
    private final List<Point> stored = new CopyOnWriteArrayList<>();

    @BeforeEach
    void serveTwoPages() throws Exception {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        for (String page : List.of("a", "b")) {
            server.createContext("/" + page, x -> {
                byte[] body = ("page_" + page + " 1\n").getBytes(StandardCharsets.UTF_8);
                x.sendResponseHeaders(200, body.length);
                try (OutputStream out = x.getResponseBody()) {
                    out.write(body);
                }
            });
        }
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stopServing() {
        server.stop(0);
    }

    @Test
    void theScraperFollowsItsTargetFile() throws Exception {
        Path file = dir.resolve("targets.yml");
        write(file, "a");
        ScrapeSettings settings = EdgeConfig.load(
                        null,
                        Map.of(
                                "scrape.files", file.toString(),
                                "scrape.files-refresh", "100ms",
                                "scrape.interval", "1s",
                                "scrape.timeout", "500ms"))
                .scrape();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Scraper scraper = new Scraper(settings, stored::addAll, Clock.systemUTC(), meters)) {
            scraper.start();
            awaitUp(scraper, "a");

            write(file, "a", "b");
            awaitUp(scraper, "a", "b");
            assertThat(scraper.files()).singleElement().satisfies(f -> {
                assertThat(f.targets()).isEqualTo(2);
                assertThat(f.lastError()).isNull();
            });

            replace(file, "- job: c\n  urls: [ftp://nowhere/metrics]\n");
            await("the broken file reported")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.files().get(0).lastError() != null);
            assertThat(scraper.files().get(0).lastError())
                    .contains("scrape.targets.0.urls", file.toString(), "its earlier targets are kept");
            assertThat(scraper.statuses()).extracting(TargetStatus::job).containsExactly("a", "b");

            replace(file, "");
            await("the empty file reported")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.files().get(0).lastError().startsWith("empty"));
            assertThat(scraper.statuses())
                    .as("an empty file is one being written: its targets are kept")
                    .extracting(TargetStatus::job)
                    .containsExactly("a", "b");

            write(file, "b");
            await("a is no longer scraped")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.statuses().stream()
                            .map(TargetStatus::job)
                            .toList()
                            .equals(List.of("b")));
            assertThat(meters.find("dualhub.edge.scrape.up").tag("job", "a").gauge())
                    .isNull();
            await("a's series ended with staleness markers, as Prometheus ends a target's that went away")
                    .atMost(Duration.ofSeconds(10))
                    .untilAsserted(() -> assertThat(stored.stream()
                                    .filter(p -> p.isStaleMarker()
                                            && p.tags().get("job").equals("a"))
                                    .map(Point::metric))
                            .containsExactlyInAnyOrder(
                                    "page_a", "up", "scrape_duration_seconds", "scrape_samples_scraped"));
            long ended = stored.stream()
                    .filter(p -> p.isStaleMarker())
                    .mapToLong(Point::timestampMs)
                    .max()
                    .orElseThrow();
            assertThat(stored)
                    .as("nothing of a after its markers")
                    .noneMatch(p -> p.tags().get("job").equals("a") && p.timestampMs() > ended);
            assertThat(meters.find("dualhub.edge.scrape.up").tag("job", "b").gauge())
                    .isNotNull();

            Files.delete(file);
            await("no targets once the file is gone")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> scraper.statuses().isEmpty());
            assertThat(scraper.files().get(0).lastError()).startsWith("not there");
        }
        assertThat(stored).extracting(Point::metric).contains("page_a", "page_b", "up");
    }

    private void write(Path file, String... jobs) throws Exception {
        StringBuilder yaml = new StringBuilder();
        for (String job : jobs) {
            yaml.append("- job: ")
                    .append(job)
                    .append("\n  urls: [")
                    .append(base)
                    .append('/')
                    .append(job)
                    .append("]\n");
        }
        replace(file, yaml.toString());
    }

    /**
     * Writes the file whole, by a rename, as the docs ask of whoever writes target files: written in place, the
     * scraper may read it between the truncate and the write, empty.
     */
    private static void replace(Path file, String content) throws Exception {
        Path next = Files.writeString(file.resolveSibling(file.getFileName() + ".next"), content);
        Files.move(next, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    private static void awaitUp(Scraper scraper, String... jobs) {
        await("targets " + List.of(jobs) + " scraped")
                .atMost(Duration.ofSeconds(10))
                .until(() -> scraper.statuses().stream()
                        .filter(TargetStatus::up)
                        .map(TargetStatus::job)
                        .toList()
                        .equals(List.of(jobs)));
    }
}
