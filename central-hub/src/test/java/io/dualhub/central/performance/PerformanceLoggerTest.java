package io.dualhub.central.performance;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.rejection.Rejections;
import io.dualhub.central.store.StoreStats;
import io.dualhub.common.Partition;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Latency;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Rates and latencies from batches stored at times a test clock chooses. */
class PerformanceLoggerTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-23T10:00:00Z"));
    private StoreStats stats = new StoreStats(0, 0, 0, 0, 0);
    private final PerformanceLogger perf = new PerformanceLogger(
            new SimpleMeterRegistry(),
            new FleetView(
                    new Rejections("t", new SimpleMeterRegistry(), a -> {}, clock, System::nanoTime),
                    clock,
                    Partition.WHOLE),
            () -> new Latency(1, 2, 3),
            () -> stats,
            clock,
            Duration.ofMinutes(1));

    @Test
    void ratePerEdgeIsPointsOverTheLastMinute() {
        perf.sample();
        for (int s = 0; s < 6; s++) {
            perf.stored(batch("web-3", 1000, clock.millis()));
            clock.advance(Duration.ofSeconds(10));
            perf.sample();
        }
        PerformanceLogger.EdgePerformance web3 = perf.report().edges().get(0);
        assertThat(web3.edgeId()).isEqualTo("web-3");
        assertThat(web3.pointsPerSecond()).isCloseTo(100.0, within(1e-9)); // 6000 points in 60 s
        assertThat(perf.report().storeCommit()).isEqualTo(new Latency(1, 2, 3));
    }

    @Test
    void theRateHistoryHoldsOneRatePerMinuteForHalfAnHourOldestFirst() {
        perf.sample();
        for (int minute = 1; minute <= PerformanceLogger.HISTORY_MINUTES + 5; minute++) {
            for (int s = 0; s < 6; s++) {
                perf.stored(batch("web-3", 10 * minute, clock.millis())); // minute m: 60 m points, m per second
                clock.advance(Duration.ofSeconds(10));
                perf.sample();
            }
        }
        PerformanceLogger.RateHistory history = perf.rates();
        double[] web3 = history.edges().get("web-3");
        assertThat(history.stepMs()).isEqualTo(60_000);
        assertThat(web3).hasSize(PerformanceLogger.HISTORY_MINUTES);
        assertThat(web3[0]).as("the oldest minute kept").isCloseTo(6.0, within(1e-9));
        assertThat(web3[web3.length - 1]).as("the last minute").isCloseTo(35.0, within(1e-9));
        assertThat(perf.report().edges().get(0).pointsPerSecond()).isCloseTo(35.0, within(1e-9));
    }

    @Test
    void aYoungEdgeHasOnlyTheWholeMinutesItWasSeen() {
        perf.sample();
        for (int s = 0; s < 9; s++) { // a minute and a half
            perf.stored(batch("web-3", 100, clock.millis()));
            clock.advance(Duration.ofSeconds(10));
            perf.sample();
        }
        assertThat(perf.rates().edges().get("web-3")).containsExactly(10.0);
        assertThat(perf.rates().now().get("web-3")).isCloseTo(10.0, within(1e-9));
    }

    @Test
    void collectionToStoredIsMeasuredFromTheOldestPointOfEachBatch() {
        for (int i = 0; i < 100; i++) {
            perf.stored(batch("web-3", 10, clock.millis() - 250)); // collected 250 ms before it is stored
        }
        Latency latency = perf.report().edges().get(0).collectToStored();
        assertThat(latency.p50Ms()).isCloseTo(250, within(15.0));
        assertThat(latency.p99Ms()).isCloseTo(250, within(15.0));
    }

    @Test
    void thePipelineHistoryKeepsHalfAnHourOfSamplesWithTheStoreTotalsAndTheWorstEdge() {
        for (int s = 0; s < 200; s++) {
            stats = new StoreStats(1000L * s, s, 10L * s, s, 2);
            perf.stored(batch("web-3", 10, clock.millis() - 40));
            perf.stored(batch("web-4", 10, clock.millis() - 400)); // the slower edge
            perf.sample();
            clock.advance(Duration.ofSeconds(10));
        }
        List<PerformanceLogger.PipelineSample> history = perf.history();
        assertThat(history).hasSize(PerformanceLogger.HISTORY_MINUTES * 6 + 1);
        PerformanceLogger.PipelineSample newest = history.get(history.size() - 1);
        assertThat(newest.atMs()).isEqualTo(clock.millis() - 10_000);
        assertThat(newest.pointsStored()).isEqualTo(199_000);
        assertThat(newest.duplicatesDropped()).isEqualTo(1990);
        assertThat(newest.pointsDeclaredDropped()).isEqualTo(199);
        assertThat(newest.storeCommit()).isEqualTo(new Latency(1, 2, 3));
        assertThat(newest.collectToStored().p99Ms()).isCloseTo(400, within(25.0));
        assertThat(history.get(0).pointsStored()).as("the oldest kept").isEqualTo(1000L * (200 - history.size()));
    }

    private static Batch batch(String edge, int points, long oldestMs) {
        List<Point> list = new ArrayList<>();
        for (int i = 0; i < points; i++) {
            list.add(Point.of("m", Map.of(), oldestMs + i % 5, i));
        }
        return new Batch(edge, "", 1, oldestMs, list);
    }
}
