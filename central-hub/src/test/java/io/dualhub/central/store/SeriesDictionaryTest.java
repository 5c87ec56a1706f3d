package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Point;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SeriesDictionaryTest {
    @TempDir
    Path dir;

    private static Batch batch(String edge, String... series) {
        List<Point> points = new ArrayList<>();
        for (String name : series) {
            points.add(Point.of("m", Map.of("series", name), 1000, 1));
        }
        return new Batch(edge, "a1", 1, 0, points);
    }

    /** Ids continue from the highest stored, whatever holes lie below it: an id on disk is never given again. */
    @Test
    void newIdsContinueFromTheStoredMaximum() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            try (Statement st = db.writer().createStatement()) {
                st.execute("INSERT INTO series VALUES (1, 'a', 'm', '{\"series\":\"s1\"}'), (7, 'b', 'm', '{}')");
            }
            SeriesDictionary dictionary = new SeriesDictionary(10);
            dictionary.load(db.writer());
            assertThat(dictionary.size()).isEqualTo(2);
            List<SeriesKey> added = new ArrayList<>();
            Batch b = batch("a", "s1", "s2", "s3");
            SeriesDictionary.BatchSeries ids = dictionary.seriesOf(b, added);
            assertThat(b.points()).extracting(ids::id).containsExactly(1, 8, 9);
            assertThat(added).extracting(k -> k.tags().get("series")).containsExactly("s2", "s3");
            dictionary.insert(db.writer(), added);
            SeriesDictionary reread = new SeriesDictionary(10);
            reread.load(db.writer());
            List<SeriesKey> none = new ArrayList<>();
            assertThat(reread.seriesOf(batch("c", "s1"), none)
                            .id(batch("c", "s1").points().get(0)))
                    .isEqualTo(10);
        }
    }

    /** Within a decoded batch a series is found by identity; the same names on another edge are another series. */
    @Test
    void aDecodedBatchFindsItsSeriesByIdentityAndEdgesStayApart() {
        SeriesDictionary dictionary = new SeriesDictionary(10);
        List<SeriesKey> added = new ArrayList<>();
        for (String edge : List.of("a", "b")) {
            Batch b = BatchCodec.decode(BatchCodec.encode(batch(edge, "s1", "s2", "s1", "s2")));
            SeriesDictionary.BatchSeries ids = dictionary.seriesOf(b, added);
            b.points().forEach(ids::id);
        }
        assertThat(added).hasSize(4);
        assertThat(dictionary.catalogue().names("", null))
                .singleElement()
                .isEqualTo(new SeriesCatalogue.MetricName("m", 4, 2));
    }

    @Test
    void aBatchWhoseNewSeriesPassTheEdgesBoundIsRefusedWhole() {
        SeriesDictionary dictionary = new SeriesDictionary(3);
        List<SeriesKey> added = new ArrayList<>();
        Batch first = batch("a", "s1", "s2");
        first.points().forEach(dictionary.seriesOf(first, added)::id);
        assertThat(dictionary.seriesOf(batch("a", "s1", "s3", "s4"), added)).isNull();
        assertThat(dictionary.seriesOf(batch("a", "s1", "s2", "s3"), added))
                .as("one new series: inside the bound")
                .isNotNull();
        assertThat(dictionary.seriesOf(batch("b", "s1", "s2", "s3"), added))
                .as("another edge's bound")
                .isNotNull();
        assertThat(added).hasSize(2);
    }
}
