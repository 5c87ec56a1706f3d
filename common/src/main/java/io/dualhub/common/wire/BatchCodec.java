package io.dualhub.common.wire;

import io.dualhub.common.MetricNames;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The binary wire form of a {@link Batch}. Layout (version 2): magic {@code 0xD1}, version byte, edge id (modified
 * UTF-8), incarnation (modified UTF-8; absent in version 1, which is still read), seq (int64), createdAtMs (int64),
 * point count (varint), then per point: metric, tag count (varint), tag
 * key/value pairs, timestampMs (int64), value (float64). Strings repeat a lot inside a batch (metric names, tag
 * keys), so each is written once and later referenced: varint 0 + UTF-8 literal, or varint n = the n-th literal.
 * Version 3 is version 2 whose values may be NaN, {@link Point#staleMarker staleness markers}; only a batch that holds
 * one is written as version 3, so a hub of the release before refuses just those as of a newer format (and has them
 * resent once upgraded) instead of calling a NaN invalid.
 */
public final class BatchCodec {
    static final int MAGIC = 0xD1;
    /** The newest version read. */
    static final int VERSION = 3;
    /** What a batch without staleness markers is written as. */
    static final int SAMPLES_ONLY_VERSION = 2;
    /** Far above any batch the edge builds; bounds what a corrupt count could make the decoder allocate. */
    static final int MAX_POINTS = 1 << 20;

    private BatchCodec() {}

    public static byte[] encode(Batch batch) {
        ByteSink bytes = new ByteSink(64 + batch.points().size() * 24);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(MAGIC);
            out.writeByte(SAMPLES_ONLY_VERSION); // raised to VERSION below when a point is a staleness marker
            out.writeUTF(batch.edgeId());
            out.writeUTF(batch.incarnation());
            out.writeLong(batch.seq());
            out.writeLong(batch.createdAtMs());
            writeVarint(out, batch.points().size());
            Map<String, Integer> table = new HashMap<>();
            boolean marker = false;
            for (Point p : batch.points()) {
                marker |= p.isStaleMarker();
                writeString(out, table, p.metric());
                writeVarint(out, p.tags().size());
                for (Map.Entry<String, String> tag : p.tags().entrySet()) {
                    writeString(out, table, tag.getKey());
                    writeString(out, table, tag.getValue());
                }
                out.writeLong(p.timestampMs());
                out.writeLong(Double.doubleToRawLongBits(p.value()));
            }
            if (marker) {
                bytes.set(1, VERSION);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * Writes {@code seq} into a batch this codec encoded, in place: lets the edge encode outside its append lock and
     * number the batch inside it.
     */
    public static void setSeq(byte[] encoded, long seq) {
        if (seq < 1) {
            throw new IllegalArgumentException("batch seq must be >= 1, was " + seq);
        }
        ByteBuffer b = ByteBuffer.wrap(encoded);
        int offset = 2;
        offset += 2 + Short.toUnsignedInt(b.getShort(offset));
        offset += 2 + Short.toUnsignedInt(b.getShort(offset));
        b.putLong(offset, seq);
    }

    /** Who numbered a batch and how: what its header says, readable even when its points are not. */
    private static void requireVersion(int version) {
        if (version > VERSION) {
            throw new NewerFormatException("batch", version, VERSION);
        }
        if (version < 1) {
            throw new WireFormatException(
                    "unsupported batch version " + version + ", this build reads 1 to " + VERSION);
        }
    }

    public record Header(String edgeId, String incarnation, long seq, long createdAtMs, int pointCount) {}

    /** The header of an encoded batch, without its points; a {@link WireFormatException} when unreadable. */
    public static Header header(byte[] data) {
        ByteSource source = new ByteSource(data);
        try (DataInputStream in = new DataInputStream(source)) {
            return readHeader(in, source);
        } catch (EOFException e) {
            throw new WireFormatException("batch header truncated", e);
        } catch (IOException e) {
            throw unreadable("batch header", e);
        }
    }

    /** Reads the header from {@code in}, which reads {@code source} (unbuffered: both are at the points after it). */
    private static Header readHeader(DataInputStream in, ByteSource source) throws IOException {
        int magic = in.readUnsignedByte();
        if (magic != MAGIC) {
            throw new WireFormatException(
                    "not a dualhub batch: magic byte 0x" + Integer.toHexString(magic) + ", expected 0xd1");
        }
        int version = in.readUnsignedByte();
        requireVersion(version);
        String edgeId = in.readUTF();
        String incarnation = version >= 2 ? in.readUTF() : "";
        long seq = in.readLong();
        long createdAtMs = in.readLong();
        return new Header(edgeId, incarnation, seq, createdAtMs, readVarint(source, "point count"));
    }

    /** The number of points of an encoded batch, read from its header without decoding the points. */
    public static int pointCount(byte[] data) {
        return header(data).pointCount();
    }

    public static Batch decode(byte[] data) {
        PointList points = new PointList();
        Header header = read(data, points);
        try {
            return new Batch(header.edgeId(), header.incarnation(), header.seq(), header.createdAtMs(), points.points);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid batch: " + e.getMessage(), e);
        }
    }

    /**
     * Receives a batch's points as {@link #read} walks its bytes: each series once, when first met, then every point
     * as the index of its series. Nothing is made per point: the exporter cuts its requests straight from these.
     */
    public interface PointSink {
        /** The batch's series {@code index} (numbered from 0 as first met), its metric and its tags (maybe none). */
        void series(int index, String metric, SortedMap<String, String> tags);

        /** A point of series {@code index}, in the batch's order. */
        void point(int index, long timestampMs, double value);
    }

    /**
     * Walks an encoded batch's points into {@code sink} and returns its header; a {@link WireFormatException} when
     * the bytes are not a batch's, perhaps after some points were handed over. The header's fields are not checked
     * here ({@link Batch#requireHeader} does, as {@link #decode} does by making the batch).
     */
    public static Header read(byte[] data, PointSink sink) {
        ByteSource source = new ByteSource(data);
        try (DataInputStream in = new DataInputStream(source)) {
            Header header = readHeader(in, source);
            int count = header.pointCount();
            if (count > MAX_POINTS) {
                throw new WireFormatException("point count " + count + " exceeds " + MAX_POINTS);
            }
            PointReader reader = new PointReader(source, sink);
            for (int i = 0; i < count; i++) {
                reader.read(i);
            }
            if (source.available() > 0) {
                throw new WireFormatException(source.available() + " trailing bytes after " + count + " points");
            }
            return header;
        } catch (EOFException e) {
            throw new WireFormatException("batch truncated", e);
        } catch (IllegalArgumentException e) {
            throw new WireFormatException("invalid batch: " + e.getMessage(), e);
        } catch (IOException e) {
            throw unreadable("batch", e);
        }
    }

    /** Makes the points of {@link #decode}: those of a series share its metric String and tag map. */
    private static final class PointList implements PointSink {
        private final List<Point> points = new ArrayList<>();
        private final List<Point> series = new ArrayList<>(); // a point of each series, by index: its metric and tags

        @Override
        public void series(int index, String metric, SortedMap<String, String> tags) {
            series.add(new Point(metric, tags, 0, 0)); // indexes come in order: index == series.size()
        }

        @Override
        public void point(int index, long timestampMs, double value) {
            Point of = series.get(index);
            points.add(new Point(of.metric(), of.tags(), timestampMs, value));
        }
    }

    /**
     * A read from a byte array fails only on what the bytes say (a string that is not modified UTF-8): a wire format
     * error like any other, never an {@link UncheckedIOException} that a caller catching wire errors would miss.
     */
    static WireFormatException unreadable(String what, IOException e) {
        return new WireFormatException(what + " unreadable: " + e, e);
    }

    private static void writeString(DataOutputStream out, Map<String, Integer> table, String s) throws IOException {
        Integer ref = table.get(s);
        if (ref != null) {
            writeVarint(out, ref);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        writeVarint(out, 0);
        writeVarint(out, utf8.length);
        out.write(utf8);
        table.put(s, table.size() + 1);
    }

    private static void writeVarint(DataOutputStream out, int value) throws IOException {
        int v = value;
        while ((v & ~0x7F) != 0) {
            out.writeByte((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        out.writeByte(v);
    }

    private static int readVarint(ByteSource in, String field) throws EOFException {
        int result = 0;
        for (int shift = 0; shift < 32; shift += 7) {
            int b = in.readByte();
            result |= (b & 0x7F) << shift;
            if ((b & 0x80) == 0) {
                if (result < 0) {
                    throw new WireFormatException(field + " is negative");
                }
                return result;
            }
        }
        throw new WireFormatException(field + ": varint longer than 5 bytes");
    }

    /**
     * Reads one batch's points into a {@link PointSink}. A batch repeats its series, so what depends only on the
     * strings is done once per batch: a metric name is checked once, a series is found by its string references
     * (without allocating for it), and series with the same tag strings share one immutable tag map (which also lets
     * the CentralHub look their series up by identity).
     */
    private static final class PointReader {
        private final ByteSource in;
        private final PointSink sink;
        private final List<String> table = new ArrayList<>();
        private final BitSet validMetrics = new BitSet();
        private final Map<Refs, Integer> series = new HashMap<>();
        private final Map<Refs, SortedMap<String, String>> tagSets = new HashMap<>();
        private final Refs probe = new Refs(new int[1 + 2 * MetricNames.MAX_TAGS], 0);

        PointReader(ByteSource in, PointSink sink) {
            this.in = in;
            this.sink = sink;
        }

        void read(int index) throws IOException {
            int metricRef = readRef();
            if (!validMetrics.get(metricRef)) {
                String metric = table.get(metricRef);
                if (!MetricNames.isValidMetric(metric)) {
                    throw new WireFormatException("point " + index + ": invalid metric name '" + metric + "'");
                }
                validMetrics.set(metricRef);
            }
            int tagCount = readVarint(in, "tag count");
            if (tagCount > MetricNames.MAX_TAGS) {
                throw new WireFormatException(
                        "point " + index + ": " + tagCount + " tags, at most " + MetricNames.MAX_TAGS);
            }
            int[] refs = probe.refs;
            refs[0] = metricRef;
            for (int r = 1; r <= tagCount * 2; r++) {
                refs[r] = readRef();
            }
            probe.set(1 + tagCount * 2);
            Integer known = series.get(probe);
            int seriesIndex = known != null ? known : newSeries(probe.copy());
            sink.point(seriesIndex, in.readLong(), Double.longBitsToDouble(in.readLong()));
        }

        private int newSeries(Refs refs) {
            int index = series.size();
            series.put(refs, index);
            Refs tagRefs = refs.tags();
            SortedMap<String, String> tags =
                    tagRefs.length == 0 ? Collections.emptySortedMap() : tagSets.computeIfAbsent(tagRefs, this::tagMap);
            sink.series(index, table.get(refs.refs[0]), tags);
            return index;
        }

        private SortedMap<String, String> tagMap(Refs refs) {
            TreeMap<String, String> tags = new TreeMap<>();
            for (int r = 0; r < refs.length; r += 2) {
                tags.put(table.get(refs.refs[r]), table.get(refs.refs[r + 1]));
            }
            return Collections.unmodifiableSortedMap(tags);
        }

        /** The string's index in the table: a reference to an earlier literal, or a new literal read now. */
        private int readRef() throws IOException {
            int ref = readVarint(in, "string reference");
            if (ref > 0) {
                if (ref > table.size()) {
                    throw new WireFormatException(
                            "string reference " + ref + " beyond the " + table.size() + " defined");
                }
                return ref - 1;
            }
            int length = readVarint(in, "string length");
            if (length > in.available()) {
                throw new WireFormatException("string length " + length + " exceeds the remaining bytes");
            }
            table.add(in.readUtf8(length));
            return table.size() - 1;
        }
    }

    /**
     * String-table indexes in wire order (a point's metric and then its tag keys and values, or a tag set's keys and
     * values): the first {@code length} of {@code refs}. A lookup fills one probe in place; a key kept is a copy.
     */
    private static final class Refs {
        private final int[] refs;
        private int length;
        private int hash;

        Refs(int[] refs, int length) {
            this.refs = refs;
            set(length);
        }

        void set(int newLength) {
            length = newLength;
            int h = 1;
            for (int i = 0; i < length; i++) {
                h = 31 * h + refs[i];
            }
            hash = h;
        }

        Refs copy() {
            return new Refs(Arrays.copyOf(refs, length), length);
        }

        /** The tag references of a point's references (without its metric). */
        Refs tags() {
            return new Refs(Arrays.copyOfRange(refs, 1, length), length - 1);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Refs other && Arrays.equals(refs, 0, length, other.refs, 0, other.length);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
