package io.dualhub.testkit;

import io.airlift.compress.snappy.SnappyCompressor;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes Prometheus remote-write 1.0 request bodies, field by field as protobuf lays them out: a {@code WriteRequest}
 * of {@code TimeSeries}, snappy-compressed as the protocol wants. For tests and loads; not thread-safe.
 */
public final class RemoteWriteBodies {
    private final ByteArrayOutputStream request = new ByteArrayOutputStream();

    /** A series of {@code labels} (name, value, name, value ...) with samples (value, timestamp ms, ...). */
    public RemoteWriteBodies series(String[] labels, double... samples) {
        ByteArrayOutputStream series = new ByteArrayOutputStream();
        for (int i = 0; i < labels.length; i += 2) {
            ByteArrayOutputStream label = new ByteArrayOutputStream();
            bytes(label, 1, labels[i].getBytes(StandardCharsets.UTF_8));
            bytes(label, 2, labels[i + 1].getBytes(StandardCharsets.UTF_8));
            bytes(series, 1, label.toByteArray());
        }
        for (int i = 0; i < samples.length; i += 2) {
            ByteArrayOutputStream sample = new ByteArrayOutputStream();
            sample.write(1 << 3 | 1);
            long bits = Double.doubleToRawLongBits(samples[i]);
            for (int b = 0; b < 8; b++) {
                sample.write((int) (bits >>> (8 * b)) & 0xFF);
            }
            sample.write(2 << 3);
            varint(sample, (long) samples[i + 1]);
            bytes(series, 2, sample.toByteArray());
        }
        bytes(request, 1, series.toByteArray());
        return this;
    }

    /** Any field of a WriteRequest or TimeSeries the edge does not read: raw bytes under {@code field}. */
    public RemoteWriteBodies raw(int field, byte[] content) {
        bytes(request, field, content);
        return this;
    }

    public byte[] protobuf() {
        return request.toByteArray();
    }

    public byte[] snappy() {
        return snappy(protobuf());
    }

    public static byte[] snappy(byte[] raw) {
        SnappyCompressor c = new SnappyCompressor();
        byte[] out = new byte[c.maxCompressedLength(raw.length)];
        return Arrays.copyOf(out, c.compress(raw, 0, raw.length, out, 0, out.length));
    }

    public static void bytes(ByteArrayOutputStream out, int field, byte[] b) {
        out.write(field << 3 | 2);
        varint(out, b.length);
        out.write(b, 0, b.length);
    }

    static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
