package io.dualhub.common.wire;

import java.io.OutputStream;
import java.util.Arrays;

/**
 * A growable byte array to encode into, like {@link java.io.ByteArrayOutputStream} without its locking: an encoder
 * writes a batch's bytes one or eight at a time from one thread, and taking a monitor for each write cost the edge
 * more than the encoding itself.
 */
final class ByteSink extends OutputStream {
    private byte[] buf;
    private int size;

    ByteSink(int initialCapacity) {
        buf = new byte[Math.max(16, initialCapacity)];
    }

    @Override
    public void write(int b) {
        ensure(1);
        buf[size++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, buf, size, len);
        size += len;
    }

    byte[] toByteArray() {
        return Arrays.copyOf(buf, size);
    }

    private void ensure(int more) {
        if (size + more > buf.length) {
            buf = Arrays.copyOf(buf, Math.max(buf.length * 2, size + more));
        }
    }
}
