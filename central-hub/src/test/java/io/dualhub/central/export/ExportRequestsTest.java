package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How a unit's batches become lanes of requests: every series in one lane, in timestamp order, once. */
class ExportRequestsTest {
    private final String incarnation = Incarnations.newId();

    @Test
    void eachSeriesKeepsToOneLaneDealtRoundInTheOrderSeriesFirstAppear() {
        ExportRequests.ExportBatch first =
                encoded("e1", 1, List.of(point("a", "x", 1), point("b", "x", 1), point("c", "x", 1)));
        ExportRequests.ExportBatch second =
                encoded("e1", 2, List.of(point("c", "x", 2), point("a", "x", 2), point("d", "x", 2)));
        ExportRequests.ExportBatch otherEdge = encoded("e2", 1, List.of(point("a", "x", 3)));

        List<List<List<ExportSeries>>> lanes = ExportRequests.lanes(List.of(first, second, otherEdge), 100, 2);

        assertThat(lanes).hasSize(2);
        assertThat(describe(lanes.get(0)))
                .containsExactly(
                        "a{edge=\"e1\", k=\"x\"} [1, 2]",
                        "c{edge=\"e1\", k=\"x\"} [1, 2]",
                        "a{edge=\"e2\", k=\"x\"} [3]");
        assertThat(describe(lanes.get(1)))
                .containsExactly("b{edge=\"e1\", k=\"x\"} [1]", "d{edge=\"e1\", k=\"x\"} [2]");
    }

    @Test
    void aSeriesLongerThanARequestContinuesInItsOwnLaneInOrder() {
        List<Point> points = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            points.add(point("m", "x", i));
            points.add(point("n", "x", 100 + i));
        }
        List<List<List<ExportSeries>>> lanes = ExportRequests.lanes(List.of(encoded("e", 1, points)), 4, 3);

        assertThat(lanes.get(0)).extracting(ExportRequests::samples).containsExactly(4, 4, 2);
        assertThat(lanes.get(1)).extracting(ExportRequests::samples).containsExactly(4, 4, 2);
        assertThat(lanes.get(2)).as("a lane without a series sends nothing").isEmpty();
        List<Long> m = new ArrayList<>();
        lanes.get(0).forEach(request -> m.addAll(timestamps(request.get(0))));
        assertThat(m).containsExactly(0L, 1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L);
    }

    @Test
    void samplesAreSortedStablyWhateverTheSpanOfTheirTimestamps() {
        Random random = new Random(7);
        for (long span : new long[] {10, 1L << 40, Long.MAX_VALUE}) {
            ExportSeries series = ExportSeries.of("e", "m", Map.of());
            List<Long> drawn = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                boolean extreme = span == Long.MAX_VALUE && i % 50 == 0; // a span no long holds
                long ts = extreme ? (i % 100 == 0 ? Long.MIN_VALUE + 1 : Long.MAX_VALUE) : random.nextLong() % span;
                series.add(ts, drawn.size());
                drawn.add(ts);
            }
            series.sorted();

            List<Long> expected = drawn.stream().distinct().sorted().toList();
            assertThat(timestamps(series)).as("span %d", span).isEqualTo(expected);
            for (int i = 0; i < series.sampleCount(); i++) {
                long ts = series.timestampMs(i);
                assertThat(series.value(i))
                        .as("of equal timestamps the one added last")
                        .isEqualTo((double) drawn.lastIndexOf(ts));
            }
        }
    }

    /**
     * A batch the hubs do not store (a point past the limits, or bytes that stop being a batch) adds nothing, though
     * its series' earlier points were read already; the batches before and after it are exported whole.
     */
    @Test
    void aBatchTheHubsDoNotStoreAddsNoSample() {
        ExportRequests.ExportBatch before = encoded("e", 1, List.of(point("a", "x", 1), point("b", "x", 1)));
        ExportRequests.ExportBatch pastTheLimits = encoded(
                "e",
                2,
                List.of(point("a", "x", 2), point("c", "x", 2), Point.of("b", Map.of("k", "x"), Long.MAX_VALUE, 1)));
        byte[] whole =
                encoded("e", 3, List.of(point("a", "x", 3), point("b", "x", 3))).data();
        ExportRequests.ExportBatch cut = new ExportRequests.ExportBatch("e", Arrays.copyOf(whole, whole.length - 4));
        ExportRequests.ExportBatch after = encoded("e", 4, List.of(point("a", "x", 4), point("b", "x", 4)));

        List<List<List<ExportSeries>>> lanes = ExportRequests.lanes(List.of(before, pastTheLimits, cut, after), 100, 1);

        assertThat(describe(lanes.get(0)))
                .containsExactly("a{edge=\"e\", k=\"x\"} [1, 4]", "b{edge=\"e\", k=\"x\"} [1, 4]");
    }

    private ExportRequests.ExportBatch encoded(String edge, long seq, List<Point> points) {
        return new ExportRequests.ExportBatch(edge, BatchCodec.encode(new Batch(edge, incarnation, seq, 0, points)));
    }

    private static Point point(String metric, String tag, long ts) {
        return Point.of(metric, Map.of("k", tag), ts, ts);
    }

    private static List<String> describe(List<List<ExportSeries>> lane) {
        List<String> out = new ArrayList<>();
        for (List<ExportSeries> request : lane) {
            for (ExportSeries s : request) {
                out.add(s.describe() + " " + timestamps(s));
            }
        }
        return out;
    }

    private static List<Long> timestamps(ExportSeries s) {
        List<Long> ts = new ArrayList<>();
        for (int i = 0; i < s.sampleCount(); i++) {
            ts.add(s.timestampMs(i));
        }
        return ts;
    }
}
