package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Point;
import io.dualhub.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The edge's series bound, on a driven clock: all or none per write, counted afresh each window. */
class SeriesLimitTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T00:00:00Z"));
    private final SeriesLimit limit = new SeriesLimit(100, Duration.ofHours(1), clock);

    private static List<Point> series(String prefix, int n) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(Point.of("m", Map.of("pod", prefix + i), 0, i));
            points.add(Point.of("m", Map.of("pod", prefix + i), 1, i)); // a second point of the same series
        }
        return points;
    }

    @Test
    void aWriteThatWouldPassTheBoundIsRefusedWholeAndKnownSeriesStillFlow() {
        limit.admit(series("a", 90));
        assertThat(limit.size()).isEqualTo(90);
        assertThatThrownBy(() -> limit.admit(series("b", 11)))
                .isInstanceOf(SeriesLimitException.class)
                .hasMessageContaining("limit of 100 series per 60 min (ingest.max-series, ingest.series-window)")
                .hasMessageContaining("nothing was stored");
        assertThat(limit.size()).as("nothing of the refused write admitted").isEqualTo(90);
        limit.admit(series("a", 90));
        limit.admit(series("b", 10));
        assertThat(limit.size()).isEqualTo(100);
        limit.admit(series("a", 50)); // known series never meet the bound
    }

    @Test
    void seriesThatStopReportingFreeTheirPlaceAtTheNextWindow() {
        limit.admit(series("old", 100));
        clock.advance(Duration.ofMinutes(59));
        assertThatThrownBy(() -> limit.admit(series("new", 1))).isInstanceOf(SeriesLimitException.class);
        clock.advance(Duration.ofMinutes(2));
        limit.admit(series("new", 100));
        assertThat(limit.size()).isEqualTo(100);
    }

    @Test
    void aMillionSeriesAreTrackedInBoundedMemory() {
        SeriesLimit big = new SeriesLimit(1_000_000, Duration.ofHours(1), clock);
        for (int round = 0; round < 10; round++) {
            big.admit(series("r" + round + "-", 100_000));
        }
        assertThat(big.size()).isEqualTo(1_000_000);
        assertThatThrownBy(() -> big.admit(series("one-more", 1))).isInstanceOf(SeriesLimitException.class);
    }
}
