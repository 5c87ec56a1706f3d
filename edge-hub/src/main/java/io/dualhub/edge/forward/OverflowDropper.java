package io.dualhub.edge.forward;

import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.edge.buffer.BufferLife;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns batches that will not be published into gap declarations: under drop-oldest the oldest batches never sent
 * while the backlog is over its limit, and a batch the server will never take in one message. A declaration takes the
 * batches' place in the window, in sequence order, and the checkpoint passes them only once the stream has it. Owned
 * by the forwarder thread, like the bytes being declared that it keeps count of.
 */
final class OverflowDropper {
    private static final Logger LOG = LoggerFactory.getLogger(OverflowDropper.class);
    /** Batches one gap declaration covers at most, so a declaration stays a small message. */
    private static final int MAX_GAP_BATCHES = 1000;

    private final EdgeBuffer buffer;
    private final String edgeId;
    private final Clock clock;
    private long pendingDropBytes; // in the window as declarations, not yet released by the checkpoint

    OverflowDropper(EdgeBuffer buffer, String edgeId, Clock clock) {
        this.buffer = buffer;
        this.edgeId = edgeId;
        this.clock = clock;
    }

    /** A new run from the checkpoint: no declaration is in the window. */
    void reset() {
        pendingDropBytes = 0;
    }

    /** The checkpoint passed declarations standing for {@code bytes} of backlog. */
    void released(long bytes) {
        if (bytes > pendingDropBytes) {
            throw new IllegalStateException(
                    "BUG: " + bytes + " declared bytes released, only " + pendingDropBytes + " were being declared");
        }
        pendingDropBytes -= bytes;
    }

    /**
     * Under drop-oldest, turns the oldest batches never sent into gap declarations while the backlog is over its
     * limit, whether or not anything can be sent now: this is what bounds the buffer during an outage. The batches
     * sent at least once, in the window or by an earlier run ({@link EdgeBuffer#sentSeq}), may be stored and are
     * never dropped.
     */
    void dropOverLimit(EdgeBuffer.Reader reader, Window window) {
        while (overLimit() > 0) {
            BufferedBatch next = reader.next();
            if (next == null) {
                return;
            }
            // Published by an earlier run, its ack never came: it may be in the stream, so it waits in the window to
            // be resent, and the drop goes on after it.
            window.add(
                    next.seq() <= buffer.sentSeq()
                            ? InFlight.batch(edgeId, buffer.lifeOf(next.seq()), next)
                            : drop(next, reader));
        }
    }

    /** Backlog bytes beyond the limit under drop-oldest, not counting batches already being declared dropped. */
    private long overLimit() {
        BufferSettings s = buffer.settings();
        if (s.overflow() != BufferSettings.Overflow.DROP_OLDEST) {
            return 0;
        }
        return buffer.unackedBytes() - pendingDropBytes - s.maxBytes();
    }

    /**
     * Drops the oldest batches never sent, starting with {@code first}, until the backlog is back under its limit,
     * and returns the gap declaration that stands for them in the window. One declaration covers one incarnation.
     */
    private InFlight drop(BufferedBatch first, EdgeBuffer.Reader reader) {
        long excess = overLimit();
        BufferLife life = buffer.lifeOf(first.seq());
        List<Integer> counts = new ArrayList<>();
        BufferedBatch last = first;
        long bytes = 0;
        for (BufferedBatch b = first; b != null; ) {
            counts.add(BatchCodec.pointCount(b.payload()));
            bytes += b.size();
            last = b;
            if (bytes >= excess || counts.size() >= MAX_GAP_BATCHES || b.seq() == life.lastSeq()) {
                break;
            }
            b = reader.next();
        }
        pendingDropBytes += bytes;
        GapDeclaration gap = new GapDeclaration(
                edgeId,
                life.incarnation(),
                life.wireSeq(first.seq()),
                life.wireSeq(last.seq()),
                GapDeclaration.Reason.OVERFLOW,
                counts.stream().mapToInt(Integer::intValue).toArray(),
                clock.millis());
        LOG.warn(
                "buffer over its limit (buffer.max-bytes, overflow: drop-oldest): dropping batches {}..{} ({} points)",
                gap.fromSeq(),
                gap.toSeq(),
                gap.points());
        return InFlight.gap(first.seq(), gap, last.position(), bytes);
    }

    /**
     * A batch the server will never take in one message (buffered before its max_payload was known, or under a
     * larger one) is declared instead, with its point count, like a drop: retried it would stop the edge for good.
     */
    void declareIfTooLarge(InFlight f, long maxPayload) {
        if (f.gap != null || f.payload.length <= maxPayload - Forwarder.PUBLISH_OVERHEAD) {
            return;
        }
        BufferLife life = buffer.lifeOf(f.firstSeq);
        GapDeclaration gap = new GapDeclaration(
                edgeId,
                life.incarnation(),
                life.wireSeq(f.firstSeq),
                life.wireSeq(f.firstSeq),
                GapDeclaration.Reason.TOO_LARGE,
                new int[] {BatchCodec.pointCount(f.payload)},
                clock.millis());
        LOG.error(
                "batch {} ({} bytes, {} points) is larger than the NATS server's max_payload ({}): declaring it"
                        + " dropped instead of retrying it forever",
                f.firstSeq,
                f.payload.length,
                gap.points(),
                maxPayload);
        f.declareInstead(gap);
        pendingDropBytes += f.bytes;
    }
}
