package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricStoreTest {
    @TempDir
    Path dir;

    private static Batch batch(String edge, long seq, double... values) {
        return batch(edge, "a1", seq, values);
    }

    private static Batch batch(String edge, String incarnation, long seq, double... values) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < values.length; i++) {
            points.add(Point.of("disk_used", Map.of("mount", i % 2 == 0 ? "/" : "/var"), seq * 1000 + i, values[i]));
        }
        return new Batch(edge, incarnation, seq, 0, points);
    }

    private static SeriesQuery all(String metric) {
        return new SeriesQuery(metric, null, Map.of(), 0, Long.MAX_VALUE, 0);
    }

    @Test
    void storesNewBatchesAndOnlyCountsDuplicates() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(store.commit(List.of(batch("a", 1, 1, 2), batch("a", 2, 3), batch("b", 1, 4))))
                    .containsOnly(CommitOutcome.STORED);
            assertThat(store.commit(List.of(batch("a", 2, 3), batch("a", 3, 5), batch("a", 1, 1, 2))))
                    .containsExactly(CommitOutcome.DUPLICATE, CommitOutcome.STORED, CommitOutcome.DUPLICATE);
            assertThat(store.stats()).isEqualTo(new StoreStats(5, 4, 2, 0, 2));
            assertThat(store.edges().get("a").contiguousSeq()).isEqualTo(3);
        }
    }

    /** One edge's series are bounded; a batch past the bound is refused whole and accounted, others go on. */
    @Test
    void aBatchBringingAnEdgePastItsSeriesIsRefusedWholeAndAccountedAsInvalid() {
        StoreSettings three = StoreSettings.custom().maxSeriesPerEdge(3).build();
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC(), three)) {
            assertThat(store.commit(List.of(seriesBatch("a", 1, "s1", "s2"), seriesBatch("b", 1, "s1", "s2", "s3"))))
                    .containsOnly(CommitOutcome.STORED);
            assertThat(store.commit(List.of(seriesBatch("a", 2, "s1", "s3", "s4"), seriesBatch("b", 2, "s1"))))
                    .containsExactly(CommitOutcome.REFUSED_SERIES, CommitOutcome.STORED);
            assertThat(store.commit(List.of(seriesBatch("a", 2, "s1", "s3"))))
                    .as("the refused sequence is accounted, so its redelivery is only counted")
                    .containsExactly(CommitOutcome.DUPLICATE);
            assertThat(store.commit(List.of(seriesBatch("a", 3, "s1", "s2", "s3"))))
                    .containsExactly(CommitOutcome.STORED);
            EdgeStoreState a = store.edges().get("a");
            assertThat(a.invalidBatches()).isEqualTo(1);
            assertThat(a.invalidRanges()).containsExactly("2-2");
            assertThat(a.points()).as("nothing of batch 2").isEqualTo(5);
            assertThat(a.contiguousSeq()).isEqualTo(3);
        }
        try (MetricStore reopened = new MetricStore(dir, Clock.systemUTC(), three)) {
            assertThat(reopened.commit(List.of(seriesBatch("a", 4, "s4"), seriesBatch("a", 5, "s3"))))
                    .as("the count is read back with the dictionary")
                    .containsExactly(CommitOutcome.REFUSED_SERIES, CommitOutcome.STORED);
        }
    }

    /** A batch of one point per series name given. */
    private static Batch seriesBatch(String edge, long seq, String... series) {
        List<Point> points = new ArrayList<>();
        for (String name : series) {
            points.add(Point.of("m", Map.of("series", name), seq * 1000, seq));
        }
        return new Batch(edge, "a1", seq, 0, points);
    }

    /** Decoded batches share one tag map per series (BatchCodec); series must still be kept apart, also by edge. */
    @Test
    void decodedBatchesOfTwoEdgesKeepEverySeriesApart() {
        Batch a = BatchCodec.decode(BatchCodec.encode(batch("a", 1, 1, 2, 3, 4, 5, 6)));
        Batch b = BatchCodec.decode(BatchCodec.encode(batch("b", 1, 7, 8, 9, 10, 11, 12)));
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(a, b));
            List<StoredSeries> series = store.query(all("disk_used"));
            assertThat(series).hasSize(4).allSatisfy(s -> assertThat(s.points()).hasSize(3));
            assertThat(series)
                    .filteredOn(
                            s -> s.edge().equals("b") && s.tags().get("mount").equals("/var"))
                    .singleElement()
                    .satisfies(s -> assertThat(s.points()).extracting(p -> p[1]).containsExactly(8.0, 10.0, 12.0));
        }
    }

    @Test
    void trackersAndPointsSurviveReopen() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(batch("a", 1, 1), batch("a", 3, 3)));
        }
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(store.edges().get("a").contiguousSeq()).isEqualTo(1);
            assertThat(store.edges().get("a").highestSeq()).isEqualTo(3);
            assertThat(store.commit(List.of(batch("a", 3, 3), batch("a", 2, 2))))
                    .containsExactly(CommitOutcome.DUPLICATE, CommitOutcome.STORED);
            assertThat(store.query(all("disk_used")).get(0).points()).hasSize(3);
        }
    }

    @Test
    void queryFiltersByEdgeTagsAndRangeAndAveragesPerStep() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(batch("a", 1, 10, 20, 30, 40), batch("b", 1, 7)));
            assertThat(store.query(all("disk_used"))).hasSize(3);
            List<StoredSeries> var =
                    store.query(new SeriesQuery("disk_used", "a", Map.of("mount", "/var"), 0, Long.MAX_VALUE, 0));
            assertThat(var).singleElement().satisfies(s -> {
                assertThat(s.tags()).containsEntry("mount", "/var");
                assertThat(s.points()).extracting(p -> p[1]).containsExactly(20.0, 40.0);
            });
            List<StoredSeries> root =
                    store.query(new SeriesQuery("disk_used", "a", Map.of("mount", "/"), 1000, 1002, 10_000));
            assertThat(root.get(0).points())
                    .singleElement()
                    .satisfies(p -> assertThat(p).containsExactly(0, 20.0));
            assertThat(store.query(all("nope"))).isEmpty();
        }
    }

    @Test
    void aDeclaredGapAccountsEachSequenceOnceAsStoredOrDropped() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(batch("a", 1, 1), batch("a", 3, 3, 3)));
            // 2..4 declared: 3 was already stored, so only 2 and 4 (1 + 4 points) count as dropped
            assertThat(store.commit(List.of(new GapDeclaration(
                            "a", "a1", 2, 4, GapDeclaration.Reason.OVERFLOW, new int[] {1, 2, 4}, 0))))
                    .containsExactly(CommitOutcome.DECLARED);
            assertThat(store.commit(List.of(batch("a", 4, 9), batch("a", 5, 5))))
                    .as("a declared batch arriving late is not stored")
                    .containsExactly(CommitOutcome.DUPLICATE, CommitOutcome.STORED);
            EdgeStoreState a = store.edges().get("a");
            assertThat(a.contiguousSeq()).isEqualTo(5);
            assertThat(a.points()).isEqualTo(1 + 2 + 1);
            assertThat(a.droppedPoints()).isEqualTo(1 + 4);
            assertThat(a.droppedRanges()).containsExactly("2-2", "4-4");
            assertThat(store.stats().pointsDeclaredDropped()).isEqualTo(5);
        }
        try (MetricStore reopened = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(reopened.edges().get("a").droppedRanges()).containsExactly("2-2", "4-4");
            assertThat(reopened.commit(List.of(
                            new GapDeclaration("a", "a1", 2, 2, GapDeclaration.Reason.OVERFLOW, new int[] {1}, 0))))
                    .containsExactly(CommitOutcome.DUPLICATE);
        }
    }

    @Test
    void aNewBufferIncarnationNumbersFromOneWithoutLosingOrDuplicating() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(batch("a", "a1", 1, 1), batch("a", "a1", 2, 2), batch("a", "a1", 3, 3)));
            // the edge's data directory is wiped: a new incarnation numbers from 1 again
            assertThat(store.commit(List.of(batch("a", "b2", 1, 10), batch("a", "b2", 2, 20))))
                    .containsOnly(CommitOutcome.STORED);
            assertThat(store.commit(List.of(batch("a", "a1", 3, 3), batch("a", "a1", 4, 4))))
                    .as("the old incarnation's redelivery is a duplicate; its late batch is still stored")
                    .containsExactly(CommitOutcome.DUPLICATE, CommitOutcome.STORED);
            assertThat(store.edges().get("a").incarnation()).isEqualTo("b2");
            assertThat(store.edges().get("a").contiguousSeq()).isEqualTo(2);
            assertThat(store.stats().pointsStored()).isEqualTo(6);
        }
        try (MetricStore reopened = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(reopened.commit(
                            List.of(batch("a", "a1", 2, 2), batch("a", "b2", 2, 20), batch("a", "b2", 3, 30))))
                    .containsExactly(CommitOutcome.DUPLICATE, CommitOutcome.DUPLICATE, CommitOutcome.STORED);
        }
    }

    @Test
    void aFailedCommitStoresNothingAndChangesNoTracker() {
        MetricStore store = new MetricStore(dir, Clock.systemUTC());
        store.commit(List.of(batch("a", 1, 1)));
        store.close();
        assertThatThrownBy(() -> store.commit(List.of(batch("a", 2, 2)))).isInstanceOf(StoreException.class);
        assertThat(store.edges().get("a").contiguousSeq()).isEqualTo(1);
        try (MetricStore reopened = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(reopened.stats().pointsStored()).isEqualTo(1);
            assertThat(reopened.commit(List.of(batch("a", 2, 2)))).containsExactly(CommitOutcome.STORED);
        }
    }

    @Test
    void aCommitThatFailsAfterItsPointsWereAppendedStoresNoneOfThem() throws Exception {
        // An edges table whose rows can never be written: the commit fails in saving the ledger, after the batch's
        // points went through the appender.
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("metrics.duckdb"));
                Statement st = c.createStatement()) {
            st.execute(
                    "CREATE TABLE edges (edge VARCHAR PRIMARY KEY, contiguous_seq BIGINT NOT NULL,"
                            + " above_seqs VARCHAR NOT NULL, batches BIGINT NOT NULL, points BIGINT NOT NULL CHECK (points < 0),"
                            + " duplicates BIGINT NOT NULL, last_stored_ms BIGINT NOT NULL, dropped_batches BIGINT NOT NULL,"
                            + " dropped_points BIGINT NOT NULL, dropped_ranges VARCHAR NOT NULL, lost_batches BIGINT NOT NULL,"
                            + " lost_ranges VARCHAR NOT NULL, incarnation VARCHAR NOT NULL, retired_trackers VARCHAR NOT NULL)");
        }
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThatThrownBy(() -> store.commit(List.of(batch("a", 1, 10, 20))))
                    .isInstanceOf(StoreException.class);
            assertThat(store.query(all("disk_used")))
                    .allSatisfy(s -> assertThat(s.points()).isEmpty());
            assertThat(store.edges()).isEmpty();
        }
    }

    /** Series ids continue from the highest stored, so an id on disk is never given twice (here 1 and 3: next 4). */
    @Test
    void newSeriesIdsContinueFromTheHighestStored() throws Exception {
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("metrics.duckdb"));
                Statement st = c.createStatement()) {
            st.execute("CREATE TABLE series (id INTEGER PRIMARY KEY, edge VARCHAR NOT NULL, metric VARCHAR NOT NULL,"
                    + " tags VARCHAR NOT NULL)");
            st.execute("INSERT INTO series VALUES (1, 'a', 'disk_used', '{\"mount\":\"/\"}'), (3, 'a', 'other', '{}')");
        }
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(store.commit(List.of(batch("a", 1, 10, 20)))).containsExactly(CommitOutcome.STORED);
            assertThat(store.query(all("disk_used")).stream()
                            .mapToInt(s -> s.points().size())
                            .sum())
                    .isEqualTo(2);
        }
    }

    /**
     * A store written before invalid batches were accounted (no such columns) opens, keeps what it held, and
     * from then on keeps invalid batches across a restart.
     */
    @Test
    void aStoreWrittenBeforeInvalidBatchesWereAccountedOpensAndKeepsThemFromThenOn() throws Exception {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            store.commit(List.of(batch("a", 1, 1)));
        }
        try (Connection c = DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("metrics.duckdb"));
                Statement st = c.createStatement()) {
            st.execute("ALTER TABLE edges DROP COLUMN invalid_batches");
            st.execute("ALTER TABLE edges DROP COLUMN invalid_ranges");
        }
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(store.edges().get("a").contiguousSeq()).isEqualTo(1);
            assertThat(store.edges().get("a").invalidBatches()).isZero();
            assertThat(store.commit(List.of(GapDeclaration.invalid("a", "a1", 2, 5, 0), batch("a", 3, 1))))
                    .containsExactly(CommitOutcome.DECLARED, CommitOutcome.STORED);
        }
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            EdgeStoreState a = store.edges().get("a");
            assertThat(a.contiguousSeq()).isEqualTo(3);
            assertThat(a.invalidBatches()).isEqualTo(1);
            assertThat(a.invalidRanges()).containsExactly("2-2");
            assertThat(a.droppedBatches())
                    .as("invalid is not dropped by the edge")
                    .isZero();
        }
    }
}
