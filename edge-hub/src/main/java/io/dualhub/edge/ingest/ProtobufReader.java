package io.dualhub.edge.ingest;

import java.nio.charset.StandardCharsets;

/**
 * Reads protobuf's wire format from a part of an array, field by field, for the inputs whose messages are read by
 * hand (remote write, OTLP): a few messages do not need protobuf's runtime. A malformed message is a
 * {@link BadWriteException} naming what the body was meant to be. Not thread-safe; one per message being read.
 */
public final class ProtobufReader {
    private final byte[] buf;
    private final int end;
    private final String what;
    private int pos;

    /** A reader of {@code buf[from..to)}, a {@code what} (like "an OTLP ExportMetricsServiceRequest"). */
    public ProtobufReader(byte[] buf, int from, int to, String what) {
        this.buf = buf;
        this.pos = from;
        this.end = to;
        this.what = what;
    }

    public boolean more() {
        return pos < end;
    }

    /** The next field's tag: its number shifted left by three, or-ed with its wire type. */
    public int tag() {
        return (int) varint();
    }

    public long varint() {
        long v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = next();
            v |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                return v;
            }
        }
        throw malformed("a varint longer than ten bytes");
    }

    public long fixed64() {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v |= (long) (next() & 0xFF) << (8 * i);
        }
        return v;
    }

    public double double64() {
        return Double.longBitsToDouble(fixed64());
    }

    /** A length-delimited field read as a message of its own. */
    public ProtobufReader message() {
        int length = length();
        ProtobufReader inner = new ProtobufReader(buf, pos, pos + length, what);
        pos += length;
        return inner;
    }

    public String string() {
        int length = length();
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    /** Skips the field whose tag was just read. */
    public void skip(int tag) {
        switch (tag & 7) {
            case 0 -> varint();
            case 1 -> advance(8);
            case 2 -> advance(length());
            case 5 -> advance(4);
            default -> throw malformed("wire type " + (tag & 7));
        }
    }

    private int length() {
        long length = varint();
        if (length < 0 || length > end - pos) {
            throw malformed("a length of " + length + " past the end of its message");
        }
        return (int) length;
    }

    private void advance(int n) {
        if (n > end - pos) {
            throw malformed("a field past the end of its message");
        }
        pos += n;
    }

    private byte next() {
        if (pos >= end) {
            throw malformed("a message that ends inside a field");
        }
        return buf[pos++];
    }

    private BadWriteException malformed(String problem) {
        return new BadWriteException(
                "body is not " + what + " (protobuf): " + problem + "; nothing of this request was stored");
    }
}
