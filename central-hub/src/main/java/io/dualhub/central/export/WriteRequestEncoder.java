package io.dualhub.central.export;

import io.airlift.compress.snappy.SnappyCompressor;
import io.dualhub.common.wire.Point;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * Encodes series into a Prometheus remote-write 1.0 body: a protobuf {@code WriteRequest} (field 1, repeated
 * {@code TimeSeries}: labels in field 1, samples in field 2; a {@code Label} is name 1 and value 2, a {@code Sample}
 * is value 1 as a double and timestamp 2 as an int64 of milliseconds), compressed with snappy's block format, as the
 * protocol says. Hand-encoded: four messages do not need protobuf's runtime, and sizes are known before writing, so
 * the body is written once into an array of its exact size. A staleness marker (NaN inside dualhub) is written with
 * Prometheus' own marker bits, which its receivers look for. Not thread-safe: one per thread, or per lane.
 */
final class WriteRequestEncoder {
    private final SnappyCompressor snappy = new SnappyCompressor();

    /** The snappy-compressed {@code WriteRequest} of {@code series} (each with sorted labels, samples in order). */
    byte[] encode(List<ExportSeries> series) {
        byte[] raw = protobuf(series);
        byte[] out = new byte[snappy.maxCompressedLength(raw.length)];
        int n = snappy.compress(raw, 0, raw.length, out, 0, out.length);
        return Arrays.copyOf(out, n);
    }

    /** The uncompressed {@code WriteRequest}. */
    static byte[] protobuf(List<ExportSeries> series) {
        int total = 0;
        int[] seriesSizes = new int[series.size()];
        for (int i = 0; i < seriesSizes.length; i++) {
            seriesSizes[i] = seriesSize(series.get(i));
            total += 1 + varintSize(seriesSizes[i]) + seriesSizes[i];
        }
        Writer w = new Writer(total);
        for (int i = 0; i < seriesSizes.length; i++) {
            ExportSeries s = series.get(i);
            w.tag(1, 2);
            w.varint(seriesSizes[i]);
            for (int l = 0; l < s.labelCount(); l++) {
                byte[] name = s.labelName(l);
                byte[] value = s.labelValue(l);
                w.tag(1, 2);
                w.varint(labelSize(name, value));
                w.bytes(1, name);
                w.bytes(2, value);
            }
            for (int k = 0; k < s.sampleCount(); k++) {
                long ts = s.timestampMs(k);
                w.tag(2, 2);
                w.varint(sampleSize(ts));
                w.tag(1, 1);
                w.fixed64(bits(s.value(k)));
                w.tag(2, 0);
                w.varint(ts);
            }
        }
        if (w.at != total) {
            throw new IllegalStateException("BUG: WriteRequest sized " + total + " bytes, wrote " + w.at);
        }
        return w.buf;
    }

    private static int seriesSize(ExportSeries s) {
        int size = 0;
        for (int l = 0; l < s.labelCount(); l++) {
            int label = labelSize(s.labelName(l), s.labelValue(l));
            size += 1 + varintSize(label) + label;
        }
        for (int k = 0; k < s.sampleCount(); k++) {
            int sample = sampleSize(s.timestampMs(k));
            size += 1 + varintSize(sample) + sample;
        }
        return size;
    }

    private static int labelSize(byte[] name, byte[] value) {
        return 1 + varintSize(name.length) + name.length + 1 + varintSize(value.length) + value.length;
    }

    private static int sampleSize(long timestampMs) {
        return 1 + 8 + 1 + varintSize(timestampMs);
    }

    /** Bytes of {@code v} as a protobuf varint (a negative int64 takes all ten). */
    static int varintSize(long v) {
        int n = 1;
        while ((v & ~0x7FL) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** Writes into an array of the size worked out beforehand. */
    private static final class Writer {
        final byte[] buf;
        int at;

        Writer(int size) {
            buf = new byte[size];
        }

        void tag(int field, int wireType) {
            buf[at++] = (byte) (field << 3 | wireType);
        }

        void varint(long v) {
            while ((v & ~0x7FL) != 0) {
                buf[at++] = (byte) ((v & 0x7F) | 0x80);
                v >>>= 7;
            }
            buf[at++] = (byte) v;
        }

        void fixed64(long v) {
            for (int i = 0; i < 8; i++) {
                buf[at++] = (byte) (v >>> (8 * i));
            }
        }

        void bytes(int field, byte[] b) {
            tag(field, 2);
            varint(b.length);
            System.arraycopy(b, 0, buf, at, b.length);
            at += b.length;
        }
    }

    private static long bits(double value) {
        return Double.isNaN(value) ? Point.STALE_MARKER_BITS : Double.doubleToRawLongBits(value);
    }
}
