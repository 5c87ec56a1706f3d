package io.dualhub.common.wire;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BatchCodecTest {
    private static final Batch BATCH = new Batch(
            "web-3",
            "a1b2c3d4e5f6",
            42,
            1_700_000_000_123L,
            List.of(
                    Point.of("host_load1", Map.of(), 1_700_000_000_000L, 0.25),
                    Point.of("host_filesystem_used_bytes", Map.of("mountpoint", "/var"), 1_700_000_000_000L, 1.5e9),
                    Point.of("host_filesystem_used_bytes", Map.of("mountpoint", "/"), 1_700_000_000_000L, -0.0),
                    Point.of("temp", Map.of("site", "lab", "room", "ünïcode"), -5L, Double.MAX_VALUE)));

    @Test
    void roundTripsEveryField() {
        assertThat(BatchCodec.decode(BatchCodec.encode(BATCH))).isEqualTo(BATCH);
    }

    @Test
    void aBatchWithAStalenessMarkerIsOfVersionThreeAndOnlySuch() {
        Point marker = Point.staleMarker("host_load1", BATCH.points().get(0).tags(), 1_700_000_015_000L);
        List<Point> points = new ArrayList<>(BATCH.points());
        points.add(marker);
        Batch withMarker = new Batch("web-3", "a1b2c3d4e5f6", 43, 1_700_000_015_001L, points);

        byte[] encoded = BatchCodec.encode(withMarker);
        assertThat(encoded[1]).isEqualTo((byte) 3);
        assertThat(BatchCodec.encode(BATCH)[1])
                .as("samples only: readable by the release before")
                .isEqualTo((byte) 2);
        Batch decoded = BatchCodec.decode(encoded);
        assertThat(decoded).isEqualTo(withMarker);
        assertThat(Double.doubleToRawLongBits(decoded.points().get(4).value())).isEqualTo(Point.STALE_MARKER_BITS);
        assertThat(decoded.hasStaleMarkers()).isTrue();
        assertThat(BATCH.hasStaleMarkers()).isFalse();
        assertThat(BATCH.withoutStaleMarkers()).isSameAs(BATCH);
        List<Point> between =
                List.of(BATCH.points().get(0), marker, BATCH.points().get(1));
        assertThat(new Batch("web-3", "a1b2c3d4e5f6", 44, 0, between)
                        .withoutStaleMarkers()
                        .points())
                .containsExactly(BATCH.points().get(0), BATCH.points().get(1));
        assertThat(decoded.withoutStaleMarkers().points()).isEqualTo(BATCH.points());
        assertThat(PointLimits.violation(decoded.points())).isNull();
        assertThat(PointLimits.valueViolation(Double.POSITIVE_INFINITY)).contains("not a finite number");
        assertThat(PointLimits.valueViolation(Double.NaN))
                .as("a NaN other than the marker's")
                .contains("not a finite number");
    }

    @Test
    void theSequenceCanBeSetInPlaceAfterEncoding() {
        byte[] encoded = BatchCodec.encode(new Batch("web-3", "a1b2c3d4e5f6", 1, 1_700_000_000_123L, BATCH.points()));
        BatchCodec.setSeq(encoded, 42);
        assertThat(BatchCodec.decode(encoded)).isEqualTo(BATCH);
    }

    @Test
    void repeatedStringsAreWrittenOnce() {
        byte[] once =
                BatchCodec.encode(new Batch("e", "", 1, 0, List.of(Point.of("a_long_metric_name", Map.of(), 0, 1))));
        byte[] twice = BatchCodec.encode(new Batch(
                "e",
                "",
                1,
                0,
                List.of(
                        Point.of("a_long_metric_name", Map.of(), 0, 1),
                        Point.of("a_long_metric_name", Map.of(), 0, 1))));
        // the second point costs a 1-byte reference, its tag count, timestamp and value: not the name again
        assertThat(twice.length - once.length).isEqualTo(1 + 1 + 8 + 8);
    }

    @Test
    void readsVersionOneBatchesWithoutAnIncarnation() throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(0xD1);
            out.writeByte(1);
            out.writeUTF("old-edge");
            out.writeLong(7);
            out.writeLong(99);
            out.writeByte(0);
        }
        Batch b = BatchCodec.decode(bytes.toByteArray());
        assertThat(b).isEqualTo(new Batch("old-edge", "", 7, 99, List.of()));
        assertThat(BatchCodec.pointCount(bytes.toByteArray())).isZero();
        assertThat(BatchCodec.pointCount(BatchCodec.encode(BATCH))).isEqualTo(4);
    }

    @Test
    void refusesWhatIsNotABatch() {
        byte[] good = BatchCodec.encode(BATCH);
        assertThatThrownBy(() -> BatchCodec.decode("{\"json\":1}".getBytes()))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("magic");
        byte[] version = good.clone();
        version[1] = 9;
        assertThatThrownBy(() -> BatchCodec.decode(version)).hasMessageContaining("version 9");
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(good, good.length - 3)))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("truncated");
        assertThatThrownBy(() -> BatchCodec.decode(Arrays.copyOf(good, good.length + 2)))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("trailing");
    }

    @Test
    void refusesAnInvalidEdgeIdOrMetricName() {
        byte[] badEdge = BatchCodec.encode(new Batch("edge-1", "", 1, 0, List.of()));
        badEdge[4 + 4] = '.';
        assertThatThrownBy(() -> BatchCodec.decode(badEdge))
                .isInstanceOf(WireFormatException.class)
                .hasMessageContaining("edge id");
        byte[] badMetric = BatchCodec.encode(new Batch("e", "", 1, 0, List.of(Point.of("1bad", Map.of(), 0, 1))));
        assertThatThrownBy(() -> BatchCodec.decode(badMetric)).hasMessageContaining("invalid metric name '1bad'");
    }

    @Test
    void pointsWithTheSameTagsShareOneImmutableTagMapAndKeepTheirOwn() {
        Batch batch = new Batch(
                "e",
                "",
                1,
                0,
                List.of(
                        Point.of("cpu", Map.of("core", "0", "host", "a"), 1, 1),
                        Point.of("cpu", Map.of("core", "1", "host", "a"), 1, 2),
                        Point.of("mem", Map.of("core", "0", "host", "a"), 2, 3),
                        Point.of("cpu", Map.of("core", "1", "host", "a"), 3, 4)));
        List<Point> decoded = BatchCodec.decode(BatchCodec.encode(batch)).points();
        assertThat(decoded).isEqualTo(batch.points());
        assertThat(decoded.get(2).tags()).isSameAs(decoded.get(0).tags());
        assertThat(decoded.get(3).tags())
                .isSameAs(decoded.get(1).tags())
                .isNotSameAs(decoded.get(0).tags());
        assertThatThrownBy(() -> decoded.get(0).tags().put("host", "b"))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void aMetricNameIsCheckedWhereverItFirstAppears() {
        byte[] later = BatchCodec.encode(new Batch(
                "e",
                "",
                1,
                0,
                List.of(
                        Point.of("ok", Map.of(), 0, 1),
                        Point.of("ok", Map.of(), 0, 2),
                        Point.of("bad-name", Map.of(), 0, 3))));
        assertThatThrownBy(() -> BatchCodec.decode(later)).hasMessageContaining("point 2: invalid metric name");
    }

    @Test
    void aBatchLargerThanItsFirstGuessRoundTrips() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            points.add(Point.of("m", Map.of("long", "v".repeat(1000) + i), i, i));
        }
        Batch batch = new Batch("e", "", 1, 0, points);
        assertThat(BatchCodec.decode(BatchCodec.encode(batch))).isEqualTo(batch);
    }
}
