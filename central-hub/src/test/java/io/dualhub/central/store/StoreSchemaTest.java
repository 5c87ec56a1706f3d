package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store's schema versions: a store written by an earlier version opens with everything it held (from a fixture
 * file kept in the tests, written by the code of its version), one from before versions were kept is migrated, and
 * one written by a newer version is refused untouched.
 */
class StoreSchemaTest {
    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-02T00:00:00Z"));

    /**
     * {@code store-fixtures/schema-2.duckdb.gz}: edge "lab", incarnation 0123456789ab, batches 1..3 of 60 points of
     * room_temperature each (values 0..179, one a second from 2026-12-01T12:00Z; batch 2 room a, the others room b),
     * batches 4..5 declared dropped with 10 and 20 points.
     */
    @Test
    void aStoreWrittenBySchema2OpensWithItsPointsLedgersAndRollups() throws Exception {
        fixture("schema-2");
        try (MetricStore store = new MetricStore(dir, clock)) {
            EdgeStoreState lab = store.edges().get("lab");
            assertThat(lab.contiguousSeq()).isEqualTo(5);
            assertThat(lab.points()).isEqualTo(180);
            assertThat(lab.droppedPoints()).isEqualTo(30);
            assertThat(lab.incarnation()).isEqualTo("0123456789ab");
            SeriesQuery roomA = new SeriesQuery("room_temperature", "lab", Map.of("room", "a"), 0, Long.MAX_VALUE, 0);
            assertThat(store.query(roomA).get(0).points()).hasSize(60);
            SeriesQuery minutes =
                    new SeriesQuery("room_temperature", "lab", Map.of("room", "a"), 0, Long.MAX_VALUE, 60_000);
            assertThat(store.query(minutes).get(0).points().get(0)[1]).isEqualTo(89.5);
            assertThat(store.commit(List.of(batch(3))).get(0))
                    .as("its trackers still know batch 3")
                    .isEqualTo(CommitOutcome.DUPLICATE);
        }
        assertThat(storedVersion()).isEqualTo(StoreSchema.VERSION);
    }

    @Test
    void aStoreFromBeforeVersionsGetsItsRollupsFromItsRawPoints() throws Exception {
        try (MetricStore store = new MetricStore(dir, clock)) {
            store.commit(List.of(batch(1)));
        }
        sql("DROP TABLE rollup_1m", "DROP TABLE rollup_1h", "DROP TABLE maintenance", "DROP TABLE schema_version");
        try (MetricStore store = new MetricStore(dir, clock)) {
            SeriesQuery minutes = new SeriesQuery("m", null, Map.of(), 0, Long.MAX_VALUE, 60_000);
            assertThat(store.tierFor(minutes)).isEqualTo(StoreTier.MINUTE);
            assertThat(store.query(minutes).get(0).points())
                    .extracting(p -> p[1])
                    .containsExactly(29.5, 89.5);
        }
        assertThat(storedVersion()).isEqualTo(StoreSchema.VERSION);
    }

    /**
     * A rollback to a release without rollups stores points and rewrites the edge's row (without rolled_points); opened
     * by this code again, the rollups count those points too, in every tier while the raw points are all there, and
     * after the bucket of the oldest raw point once retention has deleted some.
     */
    @Test
    void pointsAReleaseWithoutRollupsStoredGetTheirRollupsWhenThisCodeOpensTheStoreAgain() throws Exception {
        try (MetricStore store = new MetricStore(dir, clock)) {
            store.commit(List.of(batch(1)));
        }
        String olderRelease = "INSERT INTO points SELECT series_id, ts + 120000, value FROM points WHERE ts < %d";
        long end = 1_800_000_000_000L / 60_000 * 60_000 + 120_000;
        sql(String.format(olderRelease, end), "UPDATE edges SET points = points + 120, rolled_points = NULL");
        SeriesQuery minutes = new SeriesQuery("m", null, Map.of(), 0, Long.MAX_VALUE, 60_000);
        SeriesQuery hours = new SeriesQuery("m", null, Map.of(), 0, Long.MAX_VALUE, 3_600_000);
        try (MetricStore store = new MetricStore(dir, clock)) {
            assertThat(store.query(minutes).get(0).points())
                    .extracting(p -> p[1])
                    .containsExactly(29.5, 89.5, 29.5, 89.5);
            assertThat(store.query(hours).get(0).points()).extracting(p -> p[1]).containsExactly(59.5);
        }
        sql(
                "DELETE FROM points WHERE ts < " + (end - 120_000 + 30_000),
                String.format(olderRelease.replace("120000", "240000"), end),
                "UPDATE edges SET points = points + 120, rolled_points = NULL");
        try (MetricStore store = new MetricStore(dir, clock)) {
            assertThat(store.query(minutes).get(0).points())
                    .as("minute 0 lost raw points: kept as it was; minute 4"
                            + " holds what the older release copied of the raw points left (values 30..59)")
                    .extracting(p -> p[1])
                    .containsExactly(29.5, 89.5, 29.5, 89.5, 44.5, 89.5);
        }
        sql("DELETE FROM points", "UPDATE edges SET rolled_points = NULL");
        try (MetricStore store = new MetricStore(dir, clock)) {
            assertThat(store.query(minutes).get(0).points())
                    .as("no raw point left: the rollups stay")
                    .extracting(p -> p[1])
                    .containsExactly(29.5, 89.5, 29.5, 89.5, 44.5, 89.5);
        }
    }

    @Test
    void aStoreWrittenByANewerVersionIsRefusedUntouched() throws Exception {
        try (MetricStore store = new MetricStore(dir, clock)) {
            store.commit(List.of(batch(1)));
        }
        sql("UPDATE schema_version SET version = 99");
        assertThatThrownBy(() -> new MetricStore(dir, clock))
                .isInstanceOf(StoreException.class)
                .hasMessageContaining("written by a newer dualhub (store schema 99; this CentralHub reads up to "
                        + StoreSchema.VERSION + ")");
        assertThat(storedVersion()).isEqualTo(99);
    }

    /** Batch {@code seq} of 120 points of m, one a second, values 0..119. */
    private static Batch batch(long seq) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 120; i++) {
            points.add(Point.of("m", Map.of(), 1_800_000_000_000L / 60_000 * 60_000 + i * 1000L, i));
        }
        return new Batch(seq == 3 ? "lab" : "e1", seq == 3 ? "0123456789ab" : "", seq, 0, points);
    }

    private void fixture(String name) throws Exception {
        try (InputStream in =
                new GZIPInputStream(getClass().getResourceAsStream("/store-fixtures/" + name + ".duckdb.gz"))) {
            Files.copy(in, dir.resolve("metrics.duckdb"));
        }
    }

    private void sql(String... statements) throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("metrics.duckdb"));
                Statement st = c.createStatement()) {
            for (String s : statements) {
                st.execute(s);
            }
        }
    }

    private int storedVersion() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("metrics.duckdb"));
                Statement st = c.createStatement();
                ResultSet rs = st.executeQuery("SELECT version FROM schema_version")) {
            rs.next();
            return rs.getInt(1);
        }
    }
}
