package io.dualhub.edge.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import io.dualhub.common.wire.Point;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ScrapedPointsTest {
    private static final long SCRAPE_MS = 1_700_000_000_000L;

    private static ScrapeTarget target(boolean honorLabels) {
        return ScrapeTarget.of(
                "node",
                URI.create("http://10.0.0.7/metrics"),
                Duration.ofSeconds(15),
                Duration.ofSeconds(10),
                Map.of("site", "lab"),
                honorLabels);
    }

    private static ExposedSample exposed(String name, Map<String, String> labels, double value) {
        return new ExposedSample(name, new TreeMap<>(labels), value, ExposedSample.NO_TIMESTAMP);
    }

    @Test
    void samplesGetTheTargetsLabelsAndTheScrapesTimeAndThenUpDurationAndCount() {
        ScrapedPoints out = new ScrapedPoints(target(false), SCRAPE_MS)
                .samples(List.of(
                        exposed("node_load1", Map.of(), 0.5),
                        new ExposedSample("own_ts", new TreeMap<>(), 2, 1_600_000_000_000L)))
                .outcome(true, 250, 2);
        Map<String, String> own = Map.of("job", "node", "instance", "10.0.0.7:80", "site", "lab");
        assertThat(out.points())
                .containsExactly(
                        Point.of("node_load1", own, SCRAPE_MS, 0.5),
                        Point.of("own_ts", own, 1_600_000_000_000L, 2),
                        Point.of("up", own, SCRAPE_MS, 1),
                        Point.of("scrape_duration_seconds", own, SCRAPE_MS, 0.25),
                        Point.of("scrape_samples_scraped", own, SCRAPE_MS, 2));
        assertThat(out.skipped()).isEmpty();
        assertThat(out.firstSkip()).isNull();
    }

    @Test
    void aSeriesGoneFromThePageEndsWithAStalenessMarkerButOneWithItsOwnTimestampsDoesNot() {
        ScrapedPoints first = new ScrapedPoints(target(false), SCRAPE_MS)
                .samples(List.of(
                        exposed("kept", Map.of(), 1),
                        exposed("gone", Map.of("disk", "sdb"), 2),
                        new ExposedSample("own_ts", new TreeMap<>(), 3, 1_600_000_000_000L)))
                .outcome(true, 10, 3);
        ScrapedPoints second = new ScrapedPoints(target(false), SCRAPE_MS + 15_000)
                .samples(List.of(exposed("kept", Map.of(), 1)))
                .outcome(true, 10, 1)
                .endVanished(first.series());
        assertThat(second.points())
                .filteredOn(Point::isStaleMarker)
                .singleElement()
                .satisfies(marker -> {
                    assertThat(marker.metric()).isEqualTo("gone");
                    assertThat(marker.tags()).containsEntry("disk", "sdb").containsEntry("job", "node");
                    assertThat(marker.timestampMs()).isEqualTo(SCRAPE_MS + 15_000);
                });

        ScrapedPoints failed = new ScrapedPoints(target(false), SCRAPE_MS + 30_000)
                .outcome(false, 10, 0)
                .endVanished(second.series());
        assertThat(failed.points())
                .as("a failed scrape ends every sample series, not its own up and duration")
                .filteredOn(Point::isStaleMarker)
                .extracting(Point::metric)
                .containsExactly("kept");
    }

    @Test
    void exposedLabelsThatClashAreKeptAsExportedUnlessHonoredAndEdgeAndUnderscoresNeverPass() {
        ExposedSample clash = exposed(
                "app_info", Map.of("job", "app", "site", "dc2", "edge", "e1", "__hidden", "x", "version", "3"), 1);

        Point kept = new ScrapedPoints(target(false), SCRAPE_MS)
                .samples(List.of(clash))
                .points()
                .get(0);
        assertThat(kept.tags())
                .containsExactlyEntriesOf(new TreeMap<>(Map.of(
                        "exported_edge", "e1",
                        "exported_job", "app",
                        "exported_site", "dc2",
                        "instance", "10.0.0.7:80",
                        "job", "node",
                        "site", "lab",
                        "version", "3")));

        Point honored = new ScrapedPoints(target(true), SCRAPE_MS)
                .samples(List.of(clash))
                .points()
                .get(0);
        assertThat(honored.tags())
                .containsEntry("job", "app")
                .containsEntry("site", "dc2")
                .containsEntry("exported_edge", "e1")
                .doesNotContainKey("__hidden");
    }

    @Test
    void valuesThatAreNotNumbersAndPointsOutOfBoundsAreSkippedCountedAndNamed() {
        ScrapedPoints out = new ScrapedPoints(target(false), SCRAPE_MS)
                .samples(List.of(
                        exposed("go_gc_duration_seconds", Map.of("quantile", "0.5"), Double.NaN),
                        exposed("ok", Map.of(), 1),
                        exposed("big", Map.of("v", "x".repeat(2000)), 1),
                        exposed("inf", Map.of(), Double.POSITIVE_INFINITY)))
                .outcome(true, 10, 4);
        assertThat(out.points())
                .extracting(Point::metric)
                .containsExactly("ok", "up", "scrape_duration_seconds", "scrape_samples_scraped");
        assertThat(out.skipped())
                .containsExactlyInAnyOrderEntriesOf(Map.of(ScrapedPoints.NOT_FINITE, 2, ScrapedPoints.BOUNDS, 1));
        assertThat(out.firstSkip())
                .isEqualTo("sample go_gc_duration_seconds{quantile=0.5} skipped: value NaN is not a finite number");
    }

    @Test
    void aFailedScrapeStillWritesUpZero() {
        List<Point> points = new ScrapedPoints(target(false), SCRAPE_MS)
                .outcome(false, 10_000, 0)
                .points();
        assertThat(points)
                .extracting(Point::metric, Point::value)
                .containsExactly(
                        tuple("up", 0.0), tuple("scrape_duration_seconds", 10.0), tuple("scrape_samples_scraped", 0.0));
    }
}
