package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Point;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SeriesHighWaterTest {
    private static Point p(String metric, long ts) {
        return Point.of(metric, Map.of("job", "node"), ts, ts);
    }

    @Test
    void aResentRequestIsLeftOutAndOnlyItsNewerSamplesAreTaken() {
        SeriesHighWater newest = new SeriesHighWater(600_000);
        List<Point> first = List.of(p("a", 10), p("a", 20), p("b", 10));
        assertThat(newest.fresh(first)).isEqualTo(first);
        newest.advance(first, 0);

        assertThat(newest.fresh(first)).as("the same request again").isEmpty();
        assertThat(newest.fresh(List.of(p("a", 20), p("a", 30), p("b", 5), p("c", 1))))
                .containsExactly(p("a", 30), p("c", 1));
    }

    @Test
    void aSampleRepeatedWithinOneRequestIsTakenOnce() {
        SeriesHighWater newest = new SeriesHighWater(600_000);
        assertThat(newest.fresh(List.of(p("a", 10), p("a", 10), p("a", 11)))).containsExactly(p("a", 10), p("a", 11));
    }

    @Test
    void nothingIsRememberedOfAFreshRequestUntilItIsAdvanced() {
        SeriesHighWater newest = new SeriesHighWater(600_000);
        List<Point> refused = List.of(p("a", 10));
        assertThat(newest.fresh(refused)).hasSize(1);
        assertThat(newest.fresh(refused))
                .as("its append failed: the retry must be taken")
                .hasSize(1);
    }

    @Test
    void seriesNotWrittenForTheWindowAreForgotten() {
        SeriesHighWater newest = new SeriesHighWater(1_000);
        newest.advance(List.of(p("old", 10)), 0);
        newest.advance(List.of(p("kept", 10)), 900);
        assertThat(newest.size()).isEqualTo(2);
        newest.advance(List.of(p("new", 10)), 1_500);
        assertThat(newest.size()).isEqualTo(2);
        assertThat(newest.fresh(List.of(p("old", 10), p("kept", 10)))).containsExactly(p("old", 10));
    }
}
