package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Retention, rollups and the disk budget on the store's own clock: months pass in seconds. Rollups count each stored
 * point once (also when its batch comes again), answer for ranges whose raw points expired, and a store past
 * {@code store.max-disk} deletes its oldest data first.
 */
class MetricStoreRetentionTest {
    private static final long MINUTE = 60_000;
    private static final long HOUR = 3_600_000;
    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(START);

    /** {@code n} points of metric m, one every {@code everyMs} from START, values 0, 1, 2 ... */
    private static Batch batch(long seq, int n, long everyMs) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(Point.of("m", Map.of("host", "a"), START.toEpochMilli() + i * everyMs, i));
        }
        return new Batch("e1", "", seq, 0, points);
    }

    private static SeriesQuery query(long stepMs) {
        return new SeriesQuery(
                "m", null, Map.of(), START.toEpochMilli(), START.toEpochMilli() + 400L * 24 * HOUR, stepMs);
    }

    private static List<double[]> points(MetricStore store, long stepMs) {
        List<StoredSeries> series = store.query(query(stepMs));
        return series.isEmpty() ? List.of() : series.get(0).points();
    }

    @Test
    void rollupsCountEachStoredPointOnceAndAnswerLikeTheRawPoints() {
        try (MetricStore store = new MetricStore(dir, clock)) {
            store.commit(List.of(batch(1, 180, 1_000))); // three minutes, a point a second
            store.commit(List.of(batch(1, 180, 1_000))); // redelivered: a duplicate
            assertThat(store.tierFor(query(MINUTE))).isEqualTo(StoreTier.MINUTE);
            assertThat(store.tierFor(query(30_000))).isEqualTo(StoreTier.RAW);
            assertThat(store.tierFor(query(2 * HOUR))).isEqualTo(StoreTier.HOUR);

            List<double[]> minutes = points(store, MINUTE);
            assertThat(minutes).hasSize(3);
            for (int m = 0; m < 3; m++) {
                assertThat(minutes.get(m)[1]).as("minute %d's average", m).isEqualTo(m * 60 + 29.5);
            }
            assertThat(points(store, HOUR).get(0)[1]).isEqualTo(89.5);
        }
    }

    @Test
    void rawPointsExpireAndTheRollupsAnswerForMonthsThenTheHourTierForYears() {
        try (MetricStore store = new MetricStore(dir, clock)) {
            Batch hour = batch(1, 120, 30_000); // an hour, a point every 30 s, in two commits: two rows per minute
            store.commit(List.of(new Batch(
                    "e1",
                    "",
                    1,
                    0,
                    hour.points().stream().filter(p -> p.value() % 2 == 0).toList())));
            store.commit(List.of(new Batch(
                    "e1",
                    "",
                    2,
                    0,
                    hour.points().stream().filter(p -> p.value() % 2 == 1).toList())));
            assertThat(store.rows(StoreTier.MINUTE)).isEqualTo(120);
            clock.advance(Duration.ofDays(1));
            assertThat(store.maintainIfDue().expired()).isZero();
            assertThat(store.rows(StoreTier.MINUTE))
                    .as("merged: a row per closed minute")
                    .isEqualTo(60);

            clock.advance(Duration.ofDays(15));
            assertThat(store.maintainIfDue().expired()).isEqualTo(120);
            assertThat(points(store, 0)).as("raw points past store.retention").isEmpty();
            assertThat(points(store, MINUTE)).hasSize(60);
            assertThat(points(store, MINUTE).get(0)[1]).isEqualTo(0.5);

            clock.advance(Duration.ofDays(90));
            store.maintainIfDue();
            assertThat(points(store, MINUTE)).as("the 1m tier past its 90 days").isEmpty();
            assertThat(points(store, HOUR)).hasSize(1);
            assertThat(points(store, HOUR).get(0)[1]).isEqualTo(59.5);

            clock.advance(Duration.ofDays(730));
            store.maintainIfDue();
            assertThat(points(store, HOUR)).isEmpty();
        }
    }

    @Test
    void maintenanceRunsOncePerInterval() {
        try (MetricStore store = new MetricStore(dir, clock)) {
            assertThat(store.maintainIfDue()).isNotNull();
            assertThat(store.maintainIfDue()).as("not due yet").isNull();
            clock.advance(StoreSettings.DEFAULT_MAINTENANCE_INTERVAL);
            assertThat(store.maintainIfDue()).isNotNull();
        }
    }

    @Test
    void aStorePastItsDiskBudgetDeletesItsOldestRawPointsFirst() {
        StoreSettings settings = StoreSettings.custom()
                .maxDisk(DiskBudget.bytes(10L << 20))
                .retention(Duration.ofDays(400), Duration.ofDays(400), Duration.ofDays(800))
                .build();
        try (MetricStore store = new MetricStore(dir, clock, settings)) {
            for (int seq = 1; seq <= 20; seq++) {
                store.commit(List.of(spread(seq, 100_000)));
            }
            long before = store.rows(StoreTier.RAW);
            StoreMaintenance.Result r = store.maintainIfDue();

            assertThat(r.evicted()).isPositive();
            assertThat(r.evictedFrom()).isEqualTo(StoreTier.RAW);
            assertThat(r.usedBytes()).as("inside the budget").isLessThanOrEqualTo(r.budgetBytes());
            assertThat(r.engineMemoryBytes())
                    .as("DuckDB's buffer manager, inside store.memory-limit")
                    .isPositive()
                    .isLessThanOrEqualTo(settings.memoryLimit());
            assertThat(store.rows(StoreTier.RAW)).isEqualTo(before - r.evicted());
            List<double[]> raw = points(store, 0);
            assertThat(raw.get(0)[0]).as("the oldest went first").isGreaterThanOrEqualTo(r.evictedBeforeMs());
            assertThat(raw.get(raw.size() - 1)[0])
                    .as("the newest stayed")
                    .isEqualTo(START.toEpochMilli() + 40 * HOUR - 1);
            assertThat(points(store, HOUR))
                    .as("the rollups still answer for the deleted hours")
                    .hasSize(40);
        }
    }

    /** Batch {@code seq} of {@code n} points of distinct series, spread over its own two hours. */
    private static Batch spread(int seq, int n) {
        List<Point> points = new ArrayList<>();
        long from = START.toEpochMilli() + (seq - 1) * 2 * HOUR;
        for (int i = 0; i < n; i++) {
            points.add(Point.of(
                    "m",
                    Map.of("host", "a"),
                    from + i * (2 * HOUR / n) + (i == n - 1 ? 2 * HOUR / n - 1 : 0),
                    Math.sin(i)));
        }
        return new Batch("e1", "", seq, 0, points);
    }
}
