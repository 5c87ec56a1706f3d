package io.dualhub.central.export;

import io.airlift.compress.snappy.SnappyDecompressor;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A remote-write body read back as a receiver reads it: snappy, then the protobuf WriteRequest, field by field. */
final class ReceivedWrites {
    private ReceivedWrites() {}

    /** One time series of a request: labels in the order they came, samples as (timestamp, value). */
    record Series(Map<String, String> labels, List<Long> timestamps, List<Double> values) {
        String name() {
            return labels.get("__name__");
        }
    }

    static List<Series> decode(byte[] snappyBody) {
        byte[] raw = new byte[SnappyDecompressor.getUncompressedLength(snappyBody, 0)];
        new SnappyDecompressor().decompress(snappyBody, 0, snappyBody.length, raw, 0, raw.length);
        return writeRequest(ByteBuffer.wrap(raw).order(ByteOrder.LITTLE_ENDIAN));
    }

    private static List<Series> writeRequest(ByteBuffer in) {
        List<Series> series = new ArrayList<>();
        while (in.hasRemaining()) {
            int tag = (int) varint(in);
            if (tag != (1 << 3 | 2)) {
                throw new IllegalArgumentException("unexpected WriteRequest field tag " + tag);
            }
            series.add(timeSeries(sub(in)));
        }
        return series;
    }

    private static Series timeSeries(ByteBuffer in) {
        Map<String, String> labels = new LinkedHashMap<>();
        List<Long> timestamps = new ArrayList<>();
        List<Double> values = new ArrayList<>();
        while (in.hasRemaining()) {
            int tag = (int) varint(in);
            ByteBuffer m = sub(in);
            if (tag == (1 << 3 | 2)) {
                String name = null;
                String value = null;
                while (m.hasRemaining()) {
                    int t = (int) varint(m);
                    String s = string(m);
                    if (t == (1 << 3 | 2)) {
                        name = s;
                    } else if (t == (2 << 3 | 2)) {
                        value = s;
                    }
                }
                labels.put(name, value);
            } else if (tag == (2 << 3 | 2)) {
                double v = Double.NaN;
                long ts = 0;
                while (m.hasRemaining()) {
                    int t = (int) varint(m);
                    if (t == (1 << 3 | 1)) {
                        v = m.getDouble();
                    } else if (t == (2 << 3)) {
                        ts = varint(m);
                    } else {
                        throw new IllegalArgumentException("unexpected Sample field tag " + t);
                    }
                }
                timestamps.add(ts);
                values.add(v);
            } else {
                throw new IllegalArgumentException("unexpected TimeSeries field tag " + tag);
            }
        }
        return new Series(labels, timestamps, values);
    }

    private static ByteBuffer sub(ByteBuffer in) {
        int len = (int) varint(in);
        ByteBuffer m = in.slice(in.position(), len).order(ByteOrder.LITTLE_ENDIAN);
        in.position(in.position() + len);
        return m;
    }

    private static String string(ByteBuffer in) {
        ByteBuffer b = sub(in);
        byte[] bytes = new byte[b.remaining()];
        b.get(bytes);
        return new String(bytes, StandardCharsets.UTF_8);
    }

    private static long varint(ByteBuffer in) {
        long v = 0;
        for (int shift = 0; ; shift += 7) {
            byte b = in.get();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
    }
}
