package io.dualhub.edge.ingest;

import io.airlift.compress.MalformedInputException;
import io.airlift.compress.snappy.SnappyDecompressor;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Reads a Prometheus remote-write 1.0 body — a protobuf {@code WriteRequest}, compressed with snappy's block format —
 * into points, by the same rules as every other input: {@code __name__} is the metric, the other labels are tags; a
 * label {@code edge} (the CentralHub's own) becomes {@code exported_edge}, other labels starting {@code __} are
 * dropped. Prometheus' staleness markers are kept as such ({@link Point#staleMarker}); any other NaN, and infinite
 * values, are not kept, and counted. Native histograms and exemplars are not read, and counted.
 * A series without a name, or a sample breaking the point bounds, refuses the whole request, naming the series.
 * Holds no state; one per request.
 */
public final class RemoteWriteDecoder {
    private final long maxBytes;
    private final int maxPoints;
    private final List<Point> points = new ArrayList<>();
    private int notFinite;
    private int histograms;

    /** A decoder refusing bodies of more than {@code maxBytes} uncompressed or {@code maxPoints} samples. */
    public RemoteWriteDecoder(long maxBytes, int maxPoints) {
        this.maxBytes = maxBytes;
        this.maxPoints = maxPoints;
    }

    /** The result: the points, and what was not kept. */
    public record Decoded(List<Point> points, int notFinite, int histograms) {}

    public Decoded decode(byte[] snappy) {
        byte[] raw = uncompress(snappy);
        ProtobufReader request = new ProtobufReader(raw, 0, raw.length, "a remote-write WriteRequest");
        while (request.more()) {
            int tag = request.tag();
            if (tag == (1 << 3 | 2)) {
                timeSeries(request.message());
            } else {
                request.skip(tag); // metadata (field 3) and anything newer
            }
        }
        return new Decoded(List.copyOf(points), notFinite, histograms);
    }

    private byte[] uncompress(byte[] snappy) {
        try {
            long length = SnappyDecompressor.getUncompressedLength(snappy, 0);
            if (length > maxBytes) {
                throw new WriteTooLargeException("remote-write body is " + length
                        + " bytes uncompressed, more than http.max-body (" + maxBytes + "); nothing was stored");
            }
            byte[] raw = new byte[(int) length];
            int n = new SnappyDecompressor().decompress(snappy, 0, snappy.length, raw, 0, raw.length);
            if (n != length) {
                throw new BadWriteException(
                        "body is not snappy's block format: it says " + length + " bytes and holds " + n);
            }
            return raw;
        } catch (MalformedInputException | IllegalArgumentException | IndexOutOfBoundsException e) {
            throw new BadWriteException("body is not snappy's block format (Content-Encoding: snappy): " + e);
        }
    }

    private void timeSeries(ProtobufReader series) {
        String name = null;
        SortedMap<String, String> labels = new TreeMap<>();
        List<double[]> samples = new ArrayList<>(); // value and timestamp, read before the name may be known
        while (series.more()) {
            int tag = series.tag();
            switch (tag) {
                case 1 << 3 | 2 -> {
                    ProtobufReader label = series.message();
                    String[] pair = label(label);
                    if (pair[0].equals("__name__")) {
                        name = pair[1];
                    } else if (pair[0].equals("edge")) {
                        labels.put("exported_edge", pair[1]);
                    } else if (!pair[0].startsWith("__")) {
                        labels.put(pair[0], pair[1]);
                    }
                }
                case 2 << 3 | 2 -> samples.add(sample(series.message()));
                case 4 << 3 | 2 -> {
                    histograms++;
                    series.skip(tag);
                }
                default -> series.skip(tag); // exemplars (field 3) and anything newer
            }
        }
        for (double[] s : samples) {
            add(name, labels, s[0], (long) s[1]);
        }
    }

    private void add(String name, SortedMap<String, String> labels, double value, long ts) {
        boolean staleMarker = Double.doubleToRawLongBits(value) == Point.STALE_MARKER_BITS;
        if (!Double.isFinite(value) && !staleMarker) {
            notFinite++;
            return;
        }
        if (name == null) {
            throw new BadWriteException(
                    "a series without __name__ (labels " + labels + "); nothing of this" + " request was stored");
        }
        Point point = staleMarker ? Point.staleMarker(name, labels, ts) : new Point(name, labels, ts, value);
        String violation = PointLimits.violation(point);
        if (violation != null) {
            throw new BadWriteException("series " + name + labels + ", sample at " + ts + " ms: " + violation
                    + "; nothing of this request was stored");
        }
        if (points.size() == maxPoints) {
            throw new WriteTooLargeException("more than " + maxPoints + " samples (http.max-points): send"
                    + " fewer per request (max_samples_per_send); nothing of this request was stored");
        }
        points.add(point);
    }

    private static String[] label(ProtobufReader label) {
        String[] pair = {"", ""};
        while (label.more()) {
            int tag = label.tag();
            if (tag == (1 << 3 | 2) || tag == (2 << 3 | 2)) {
                pair[(tag >>> 3) - 1] = label.string();
            } else {
                label.skip(tag);
            }
        }
        return pair;
    }

    /** A sample's value (field 1, double) and timestamp (field 2, int64 ms). */
    private static double[] sample(ProtobufReader sample) {
        double[] s = {0, 0};
        while (sample.more()) {
            int tag = sample.tag();
            if (tag == (1 << 3 | 1)) {
                s[0] = sample.double64();
            } else if (tag == (2 << 3)) {
                s[1] = sample.varint();
            } else {
                sample.skip(tag);
            }
        }
        return s;
    }
}
