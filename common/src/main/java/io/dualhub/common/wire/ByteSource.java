package io.dualhub.common.wire;

import java.io.InputStream;

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
}
