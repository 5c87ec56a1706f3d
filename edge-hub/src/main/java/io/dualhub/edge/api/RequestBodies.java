package io.dualhub.edge.api;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/** Decodes a request body's {@code Content-Encoding} (identity or gzip) within the size limit, after decompression. */
final class RequestBodies {
    private RequestBodies() {}

    /** Thrown when the (decompressed) body exceeds the limit. */
    static final class TooLargeException extends RuntimeException {
        TooLargeException(long limit) {
            super("request body exceeds the limit of " + limit + " bytes (http.max-body)");
        }
    }

    static byte[] decode(byte[] body, String encoding, long limit) {
        boolean gzipped = body.length >= 2 && (body[0] & 0xff) == 0x1f && (body[1] & 0xff) == 0x8b;
        if (encoding == null || encoding.isBlank() || encoding.equalsIgnoreCase("identity") || !gzipped) {
            // The server may already have inflated a gzip body; what matters is what we hold now.
            if (encoding != null
                    && !encoding.isBlank()
                    && !encoding.equalsIgnoreCase("identity")
                    && !encoding.equalsIgnoreCase("gzip")) {
                throw new IllegalArgumentException(
                        "Content-Encoding '" + encoding + "' is not supported; use gzip or identity");
            }
            if (body.length > limit) {
                throw new TooLargeException(limit);
            }
            return body;
        }
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            byte[] out = in.readNBytes((int) Math.min(limit + 1, Integer.MAX_VALUE - 8));
            if (out.length > limit) {
                throw new TooLargeException(limit);
            }
            return out;
        } catch (IOException e) {
            throw new IllegalArgumentException("body is not valid gzip: " + e.getMessage());
        }
    }
}
