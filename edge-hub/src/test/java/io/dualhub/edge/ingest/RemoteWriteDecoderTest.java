package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Point;
import io.dualhub.testkit.RemoteWriteBodies;
import java.io.ByteArrayOutputStream;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class RemoteWriteDecoderTest {
    private static final long T = 1_700_000_000_000L;

    private static RemoteWriteDecoder.Decoded decode(RemoteWriteBodies body) {
        return new RemoteWriteDecoder(1 << 20, 100).decode(body.snappy());
    }

    @Test
    void seriesBecomePointsWithTheNameAsMetricAndTheLabelsAsTags() {
        RemoteWriteDecoder.Decoded d = decode(new RemoteWriteBodies()
                .series(
                        new String[] {"__name__", "node_load1", "instance", "h:9100", "job", "node"},
                        0.5,
                        T,
                        0.7,
                        T + 15_000)
                .series(new String[] {"job", "app", "__name__", "up"}, 1, T));
        assertThat(d.points())
                .containsExactly(
                        Point.of("node_load1", Map.of("instance", "h:9100", "job", "node"), T, 0.5),
                        Point.of("node_load1", Map.of("instance", "h:9100", "job", "node"), T + 15_000, 0.7),
                        Point.of("up", Map.of("job", "app"), T, 1));
    }

    @Test
    void theHubsOwnLabelIsExportedAndInternalLabelsAreDropped() {
        Point p = decode(new RemoteWriteBodies()
                        .series(new String[] {"__name__", "m", "edge", "e1", "__replica__", "r1", "a", "b"}, 1, T))
                .points()
                .get(0);
        assertThat(p.tags()).containsExactlyEntriesOf(new TreeMap<>(Map.of("a", "b", "exported_edge", "e1")));
    }

    @Test
    void staleMarkersAreKeptAndOtherNonNumbersCountedNotKept() {
        double stale = Double.longBitsToDouble(Point.STALE_MARKER_BITS);
        RemoteWriteDecoder.Decoded d = decode(new RemoteWriteBodies()
                .series(
                        new String[] {"__name__", "m"},
                        1,
                        T,
                        stale,
                        T + 1,
                        Double.NaN,
                        T + 2,
                        Double.POSITIVE_INFINITY,
                        T + 3));
        assertThat(d.points()).extracting(Point::timestampMs).containsExactly(T, T + 1);
        assertThat(d.points().get(0).isStaleMarker()).isFalse();
        assertThat(d.points().get(1).isStaleMarker()).isTrue();
        assertThat(d.notFinite()).isEqualTo(2);
    }

    @Test
    void fieldsItDoesNotReadAreSkippedAndNativeHistogramsCounted() {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        RemoteWriteBodies.bytes(series, 4, new byte[] {8, 1}); // a native histogram: not read
        RemoteWriteBodies body = new RemoteWriteBodies()
                .raw(3, new byte[] {8, 1, 18, 1, 'x'}) // metadata
                .raw(1, series.toByteArray())
                .series(new String[] {"__name__", "m"}, 2, T);
        RemoteWriteDecoder.Decoded d = decode(body);
        assertThat(d.points()).containsExactly(Point.of("m", Map.of(), T, 2));
        assertThat(d.histograms()).isEqualTo(1);
    }

    @Test
    void aBadSeriesRefusesTheRequestNamingIt() {
        assertThatThrownBy(() -> decode(new RemoteWriteBodies().series(new String[] {"job", "x"}, 1, T)))
                .isInstanceOf(BadWriteException.class)
                .hasMessageContaining("without __name__ (labels {job=x})");
        assertThatThrownBy(() -> decode(new RemoteWriteBodies()
                        .series(new String[] {"__name__", "m", "v", "x".repeat(2000)}, 1, T)))
                .hasMessageStartingWith("series m{v=")
                .hasMessageContaining("longer than 1024");
        assertThatThrownBy(() -> decode(new RemoteWriteBodies().series(new String[] {"__name__", "9bad"}, 1, T)))
                .hasMessageContaining("metric name '9bad'");
    }

    @Test
    void aBodyThatIsNotARemoteWriteRequestIsRefused() {
        assertThatThrownBy(() -> new RemoteWriteDecoder(1 << 20, 100).decode("cpu v=1".getBytes()))
                .isInstanceOf(BadWriteException.class)
                .hasMessageContaining("snappy");
        assertThatThrownBy(() ->
                        new RemoteWriteDecoder(1 << 20, 100).decode(RemoteWriteBodies.snappy(new byte[] {10, 100, 1})))
                .isInstanceOf(BadWriteException.class)
                .hasMessageContaining("not a remote-write WriteRequest");
    }

    @Test
    void tooManySamplesOrBytesIs413sException() {
        RemoteWriteBodies body =
                new RemoteWriteBodies().series(new String[] {"__name__", "m"}, 1, T, 2, T + 1, 3, T + 2);
        assertThatThrownBy(() -> new RemoteWriteDecoder(1 << 20, 2).decode(body.snappy()))
                .isInstanceOf(WriteTooLargeException.class)
                .hasMessageContaining("more than 2 samples (http.max-points)");
        assertThatThrownBy(() -> new RemoteWriteDecoder(10, 100).decode(body.snappy()))
                .isInstanceOf(WriteTooLargeException.class)
                .hasMessageContaining("http.max-body");
    }
}
