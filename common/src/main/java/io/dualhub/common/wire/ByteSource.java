package io.dualhub.common.wire;

import java.io.EOFException;
import java.io.InputStream;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * A byte array to decode from, like {@link java.io.ByteArrayInputStream} without its locking: a decoder reads a
 * batch's fields a few bytes at a time from one thread, and the monitor the JDK's stream takes for every read was the
 * largest single cost of decoding a batch at the CentralHub.
 */
final class ByteSource extends InputStream {
    private final byte[] buf;
    private int pos;

    ByteSource(byte[] buf) {
        this.buf = buf;
    }

    @Override
    public int read() {
        return pos < buf.length ? buf[pos++] & 0xFF : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        int n = Math.min(len, buf.length - pos);
        if (n <= 0) {
            return -1;
        }
        System.arraycopy(buf, pos, b, off, n);
        pos += n;
        return n;
    }

    @Override
    public long skip(long n) {
        int skipped = (int) Math.max(0, Math.min(n, buf.length - pos));
        pos += skipped;
        return skipped;
    }

    @Override
    public int available() {
        return buf.length - pos;
    }

    /** The next byte, unsigned. */
    int readByte() throws EOFException {
        if (pos >= buf.length) {
            throw new EOFException();
        }
        return buf[pos++] & 0xFF;
    }

    /** The next eight bytes as a big-endian long (as {@link java.io.DataInputStream#readLong}). */
    long readLong() throws EOFException {
        if (buf.length - pos < 8) {
            throw new EOFException();
        }
        long v = (long) BIG_ENDIAN_LONG.get(buf, pos);
        pos += 8;
        return v;
    }

    /** The next {@code length} bytes as UTF-8 (the caller checked they are there). */
    String readUtf8(int length) {
        String s = new String(buf, pos, length, StandardCharsets.UTF_8);
        pos += length;
        return s;
    }

    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);
}
