package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What a receiver reads from the requests the exporter cuts and encodes. */
class WriteRequestEncoderTest {
    private final String incarnation = Incarnations.newId();

    @Test
    void labelsSortedWithNameAndEdgeAndSamplesInTimestampOrder() {
        Batch batch = new Batch(
                "edge-1",
                incarnation,
                1,
                0,
                List.of(
                        Point.of("cpu", Map.of("host", "a", "Zone", "eu", "k8s:pod", "p1"), 2000, 2.0),
                        Point.of("cpu", Map.of("host", "a", "Zone", "eu", "k8s:pod", "p1"), 1000, 1.0),
                        Point.of("cpu", Map.of("host", "a", "Zone", "eu", "k8s:pod", "p1"), 2000, 2.5),
                        Point.of("mem", Map.of(), -5, -0.0)));

        List<List<ExportSeries>> requests =
                ExportRequests.lanes(List.of(encoded(batch)), 100, 1).get(0);
        List<ReceivedWrites.Series> got = ReceivedWrites.decode(new WriteRequestEncoder().encode(requests.get(0)));

        assertThat(got).hasSize(2);
        ReceivedWrites.Series cpu = got.get(0);
        assertThat(cpu.labels().keySet())
                .as("sorted by name bytewise; ':' is not allowed in a label name")
                .containsExactly("Zone", "__name__", "edge", "host", "k8s_pod");
        assertThat(cpu.labels()).containsEntry("__name__", "cpu").containsEntry("edge", "edge-1");
        assertThat(cpu.timestamps())
                .as("in order, of equal timestamps the last accepted")
                .containsExactly(1000L, 2000L);
        assertThat(cpu.values()).containsExactly(1.0, 2.5);
        ReceivedWrites.Series mem = got.get(1);
        assertThat(mem.timestamps())
                .as("a negative timestamp as a ten-byte varint")
                .containsExactly(-5L);
        assertThat(Double.doubleToRawLongBits(mem.values().get(0))).isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void aStalenessMarkerIsSentWithPrometheusOwnBitsWhateverNanItArrivedAs() {
        ExportSeries series = ExportSeries.of("edge-1", "gone", Map.of());
        series.add(1000, 1.0);
        series.add(2000, Double.NaN);
        ReceivedWrites.Series gone = ReceivedWrites.decode(new WriteRequestEncoder().encode(List.of(series)))
                .get(0);
        assertThat(gone.values().get(0)).isEqualTo(1.0);
        assertThat(Double.doubleToRawLongBits(gone.values().get(1))).isEqualTo(Point.STALE_MARKER_BITS);
    }

    @Test
    void aLongSeriesContinuesInTheNextRequestInOrder() {
        List<Point> points = new ArrayList<>();
        for (int i = 9; i >= 0; i--) {
            points.add(Point.of("m", Map.of(), 1000L * i, i));
        }
        points.add(Point.of("n", Map.of(), 5, 5));
        Batch batch = new Batch("e", incarnation, 1, 0, points);

        List<List<ExportSeries>> requests =
                ExportRequests.lanes(List.of(encoded(batch)), 4, 1).get(0);

        assertThat(requests).extracting(ExportRequests::samples).containsExactly(4, 4, 3);
        List<Long> seen = new ArrayList<>();
        for (List<ExportSeries> request : requests) {
            for (ReceivedWrites.Series s : ReceivedWrites.decode(new WriteRequestEncoder().encode(request))) {
                if (s.name().equals("m")) {
                    seen.addAll(s.timestamps());
                }
            }
        }
        assertThat(seen).isSorted().hasSize(10);
        assertThat(WriteRequestEncoder.varintSize(-1)).isEqualTo(10);
        assertThat(WriteRequestEncoder.varintSize(127)).isEqualTo(1);
        assertThat(WriteRequestEncoder.varintSize(128)).isEqualTo(2);
    }

    private static ExportRequests.ExportBatch encoded(Batch batch) {
        return new ExportRequests.ExportBatch(batch.edgeId(), BatchCodec.encode(batch));
    }
}
