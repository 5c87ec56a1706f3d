package io.dualhub.central.analysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The analyzer fed stored batches directly: incidents, forecasts, alerts, and publishing by the leader only. */
class PredictiveAnalyzerTest {
    private static final long T0 = 1_700_000_000_000L;
    private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
    private final AtomicBoolean leader = new AtomicBoolean(true);
    private final List<String> published = new CopyOnWriteArrayList<>();
    private final PredictiveAnalyzer analyzer = new PredictiveAnalyzer(
            settings(),
            new AlertBoard(
                    leader::get,
                    (subject, body) -> published.add(subject + " " + new String(body, StandardCharsets.UTF_8)),
                    change -> {}),
            meters);
    private long seq;

    @AfterEach
    void close() {
        analyzer.close();
    }

    /** Not started, so nothing is taken out: the queue holds 100,000 points, then skips (a lone batch always fits). */
    @Test
    void theQueueIsBoundedInPointsAndSkipsBeyondIt() {
        List<Point> half = new ArrayList<>();
        for (int i = 0; i < PredictiveAnalyzer.MAX_QUEUED_POINTS / 2; i++) {
            half.add(Point.of("m", Map.of(), T0 + i, i));
        }
        analyzer.offer(new Batch("e", "", ++seq, T0, half));
        analyzer.offer(new Batch("e", "", ++seq, T0, half));
        assertThat(meters.counter("dualhub.central.analysis.skipped").count()).isZero();
        analyzer.offer(new Batch("e", "", ++seq, T0, half.subList(0, 1)));
        assertThat(meters.counter("dualhub.central.analysis.skipped").count()).isEqualTo(1);
    }

    @Test
    void aSpikeIsOneIncidentOneAlertAndItsResolution() {
        analyzer.start();
        Random random = new Random(1);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 1000; i++) {
            points.add(Point.of(
                    "queue_depth",
                    Map.of("queue", "orders"),
                    T0 + i * 10_000L,
                    100 + random.nextGaussian() + (i == 600 ? 40 : 0)));
        }
        send("web-3", points);
        await().atMost(Duration.ofSeconds(10)).until(() -> published.size() == 2);
        List<Anomaly> anomalies = analyzer.anomalies("web-3");
        assertThat(anomalies).hasSize(1);
        assertThat(anomalies.get(0).startedMs()).isEqualTo(T0 + 600 * 10_000L);
        assertThat(anomalies.get(0).endedMs()).isPositive();
        assertThat(published.get(0))
                .startsWith("dualhub.alerts.warning ")
                .contains("\"state\":\"firing\"", "queue_depth{queue=orders} on edge web-3 is anomalous");
        assertThat(published.get(1)).contains("\"state\":\"resolved\"");
        assertThat(analyzer.alerts().active()).isEmpty();
        assertThat(analyzer.anomalies("other")).isEmpty();
    }

    /** Forecast from the start; alerted only once the points span analysis.capacity-min-history (2 h here). */
    @Test
    void aFillingFilesystemIsForecastAndAlertedWithItsEtaOnceTwoHoursWereSeen() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 120; i++) { // 119 minutes, filling 1 % of the disk an hour from 80 %
            points.addAll(filesystem(i, 0.80 + 0.01 * i / 60.0));
        }
        analyzer.analyse(new Batch("web-3", "", ++seq, T0, points));
        Prediction p = analyzer.predictions("web-3").get(0);
        assertThat(p.atMs()).isEqualTo(T0 + 119 * 60_000L);
        assertThat(p.historySeconds()).isEqualTo(119 * 60);
        // at 81.98 % and 1 %/h, 95 % is 13.02 h away
        assertThat(p.etaSeconds()).isCloseTo((long) (13.0167 * 3600), within(60L));
        assertThat(p.trendPerHour()).isCloseTo(0.01, within(1e-6));
        assertThat(p.summary())
                .startsWith("host_filesystem_used_bytes{mountpoint=/var} on edge web-3 reaches 95 % "
                        + "in 13 h 1 m (13 h ");
        assertThat(analyzer.alerts().active())
                .as("a minute short of the history an alert needs")
                .isEmpty();

        analyzer.analyse(new Batch("web-3", "", ++seq, T0, filesystem(120, 0.82)));
        assertThat(analyzer.alerts().active())
                .singleElement()
                .satisfies(a -> assertThat(a.severity()).isEqualTo("warning"));
    }

    /** A fresh machine's memory climbing for a few minutes as its processes start is no capacity alert. */
    @Test
    void aSteepTrendThroughAFreshMachinesFirstMinutesIsForecastButNotAlerted() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 10; i++) { // 10 minutes climbing 3 % a minute
            points.addAll(filesystem(i, 0.30 + 0.03 * i));
        }
        analyzer.analyse(new Batch("fresh", "", ++seq, T0, points));
        Prediction p = analyzer.predictions("fresh").get(0);
        assertThat(p.etaSeconds())
                .as("heading for the limit within the horizon")
                .isBetween(0L, 3600L);
        assertThat(analyzer.alerts().active()).isEmpty();
        assertThat(published).isEmpty();
    }

    /** A noisy trend whose central ETA is inside the horizon but whose slow end is not raises no alert. */
    @Test
    void aTrendWhoseRangeReachesPastTheHorizonIsNotAlerted() {
        Random random = new Random(7);
        List<Point> points = new ArrayList<>();
        for (int i = 0; i <= 180; i++) { // 3 hours rising 2 % an hour from 50 %, with 5 % noise
            points.addAll(filesystem(i, 0.50 + 0.02 * i / 60.0 + 0.05 * random.nextGaussian()));
        }
        analyzer.analyse(new Batch("noisy", "", ++seq, T0, points));
        Prediction p = analyzer.predictions("noisy").get(0);
        long horizon = Duration.ofHours(24).toSeconds();
        assertThat(p.etaSeconds()).isBetween(0L, horizon);
        assertThat(p.etaHighSeconds() < 0 || p.etaHighSeconds() > horizon)
                .as("the slow end %s s past the horizon", p.etaHighSeconds())
                .isTrue();
        assertThat(analyzer.alerts().active()).isEmpty();
    }

    /** A spike among a series' first points, before the model knows what is usual, is no incident. */
    @Test
    void noAnomalyIsRaisedDuringASeriesWarmUp() {
        List<Point> points = new ArrayList<>();
        int warmup = AnomalySettings.DEFAULTS.warmupPoints();
        for (int i = 0; i < warmup; i++) {
            points.add(Point.of("latency_ms", Map.of(), T0 + i * 1000L, i == warmup / 2 ? 500 : 20 + (i % 3)));
        }
        analyzer.analyse(new Batch("young", "", ++seq, T0, points));
        assertThat(analyzer.anomalies(null)).isEmpty();
        assertThat(analyzer.alerts().active()).isEmpty();
    }

    private static List<Point> filesystem(int minute, double usedFraction) {
        long t = T0 + minute * 60_000L;
        Map<String, String> tags = Map.of("mountpoint", "/var");
        return List.of(
                Point.of("host_filesystem_size_bytes", tags, t, 100e9),
                Point.of("host_filesystem_used_bytes", tags, t, 100e9 * usedFraction));
    }

    @Test
    void aStandbyKeepsTheSameAlertsButPublishesNothing() {
        leader.set(false);
        analyzer.start();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 400; i++) {
            points.add(Point.of("latency_ms", Map.of(), T0 + i * 1000L, i == 300 ? 500 : 20 + (i % 3)));
        }
        send("api-1", points);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> !analyzer.anomalies(null).isEmpty());
        assertThat(analyzer.alerts().active()).isNotEmpty();
        assertThat(published).isEmpty();
    }

    @Test
    void countersAreScoredOnTheirRateAndSkippedMetricsNotAtAll() {
        analyzer.start();
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 400; i++) { // a steadily growing counter and an uptime: neither is an anomaly
            points.add(Point.of("requests_total", Map.of(), T0 + i * 1000L, 5.0 * i));
            points.add(Point.of("host_uptime_seconds", Map.of(), T0 + i * 1000L, 1e6 + i));
            points.add(Point.of("marker", Map.of(), T0 + i * 1000L, 1));
        }
        send("api-1", points);
        await().atMost(Duration.ofSeconds(10))
                .until(() -> meterCount() == 800); // counters and markers, no uptime  // 399 rates + 400 markers
        assertThat(analyzer.anomalies(null)).isEmpty();
    }

    private double meterCount() {
        return meters.get("dualhub.central.analysis.points").counter().count();
    }

    private void send(String edge, List<Point> points) {
        for (int from = 0; from < points.size(); from += 100) {
            analyzer.offer(new Batch(edge, "", ++seq, T0, points.subList(from, Math.min(points.size(), from + 100))));
        }
    }

    /**
     * analysis.max-series bounds everything the analyzer keeps per series: with room for 10, 30 filesystems (each a
     * capacity series and two scored ones) leave at most 10 series followed, forecasts included.
     */
    @Test
    void capacitySeriesCountTowardMaxSeries() {
        PredictiveAnalyzer small = new PredictiveAnalyzer(
                AnalysisSettings.custom()
                        .skipMetrics(Set.of())
                        .capacity(List.of(FILESYSTEM))
                        .maxSeries(10)
                        .cpuShare(1.0)
                        .build(),
                new AlertBoard(leader::get, (subject, body) -> {}, change -> {}),
                meters);
        try {
            List<Point> points = new ArrayList<>();
            for (int minute = 0; minute < 30; minute++) {
                for (int fs = 0; fs < 30; fs++) {
                    Map<String, String> tags = Map.of("mountpoint", "/fs" + fs);
                    points.add(Point.of("host_filesystem_size_bytes", tags, T0 + minute * 60_000L, 1e9));
                    points.add(Point.of("host_filesystem_used_bytes", tags, T0 + minute * 60_000L, 1e6 * minute));
                }
            }
            small.analyse(new Batch("many", "", 1, T0, points));
            assertThat(small.predictions("many"))
                    .as("forecasts of the capacity series taken")
                    .isNotEmpty()
                    .hasSizeLessThanOrEqualTo(10);
        } finally {
            small.close();
        }
    }

    private static final AnalysisSettings.CapacityRule FILESYSTEM =
            new AnalysisSettings.CapacityRule("host_filesystem_used_bytes", "host_filesystem_size_bytes");

    private static AnalysisSettings settings() {
        return AnalysisSettings.custom()
                .skipMetrics(Set.of("host_uptime_seconds", "host_filesystem_size_bytes"))
                .capacity(List.of(FILESYSTEM))
                .maxSeries(100)
                .cpuShare(1.0)
                .build();
    }
}
