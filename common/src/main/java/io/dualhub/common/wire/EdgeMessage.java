package io.dualhub.common.wire;

/**
 * What an edge publishes on {@code dualhub.metrics.<edgeId>}: a {@link Batch} of points, or a
 * {@link GapDeclaration} for batches it dropped by policy. Either way each sequence is accounted exactly once.
 */
public sealed interface EdgeMessage permits Batch, GapDeclaration {
    String edgeId();

    /**
     * Which life of the edge's buffer numbered this message: a new buffer (a wiped or replaced data directory) starts
     * a new incarnation and numbers from 1 again. Empty for messages from before incarnations existed.
     */
    String incarnation();

    /** What it is, in words for a log line: {@code batch 17}, {@code gap declaration 3..9}. */
    default String describe() {
        return this instanceof GapDeclaration gap
                ? "gap declaration " + gap.fromSeq() + ".." + gap.toSeq()
                : "batch " + ((Batch) this).seq();
    }

    /** Decodes either kind, by its magic byte. */
    static EdgeMessage decode(byte[] data) {
        if (isGapDeclaration(data)) {
            return GapCodec.decode(data);
        }
        return BatchCodec.decode(data);
    }

    /** True when the bytes say they are a {@link GapDeclaration} (by its magic byte), else they are to be a batch. */
    static boolean isGapDeclaration(byte[] data) {
        return data.length > 0 && (data[0] & 0xff) == GapCodec.MAGIC;
    }
}
