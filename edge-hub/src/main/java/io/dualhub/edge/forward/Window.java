package io.dualhub.edge.forward;

import io.dualhub.edge.buffer.BatchPosition;
import java.util.ArrayDeque;
import java.util.Iterator;

/**
 * The forwarder's entries after the checkpoint, in sequence order: batches and gap declarations that are sent and
 * awaiting their ack, waiting to be resent, or acked while an earlier one is not. Owned by the forwarder thread.
 * {@code capacity} bounds what {@link #hasRoom} lets in; the overflow dropper may go past it (see
 * {@link OverflowDropper}).
 */
final class Window implements Iterable<InFlight> {
    private final int capacity;
    private final ArrayDeque<InFlight> entries = new ArrayDeque<>();

    Window(int capacity) {
        this.capacity = capacity;
    }

    boolean hasRoom() {
        return entries.size() < capacity;
    }

    boolean isEmpty() {
        return entries.isEmpty();
    }

    /** Adds the entry after the last one; the checkpoint can only pass entries that follow each other. */
    void add(InFlight f) {
        InFlight tail = entries.peekLast();
        if (tail != null && f.firstSeq <= tail.last.seq()) {
            throw new IllegalStateException(
                    "BUG: window entry " + f.firstSeq + " added after entry up to " + tail.last.seq());
        }
        entries.addLast(f);
    }

    /** The entry starting at {@code firstSeq}, or null (released already, or from before a restart). */
    InFlight find(long firstSeq) {
        for (InFlight f : entries) {
            if (f.firstSeq == firstSeq) {
                return f;
            }
        }
        return null;
    }

    /**
     * Removes the acked entries at the head, up to the first one not acked, and says what the checkpoint may pass;
     * null when the head is not acked. An ack after a gap in the acks releases nothing until the gap is acked.
     */
    Released releaseAcked() {
        BatchPosition last = null;
        long bytes = 0;
        long declaredBytes = 0;
        while (!entries.isEmpty() && entries.peekFirst().acked) {
            InFlight f = entries.pollFirst();
            last = f.last;
            bytes += f.bytes;
            if (f.gap != null) {
                declaredBytes += f.bytes;
            }
        }
        return last == null ? null : new Released(last, bytes, declaredBytes);
    }

    /** Forgets every entry: a new run starts again from the checkpoint. */
    void clear() {
        entries.clear();
    }

    @Override
    public Iterator<InFlight> iterator() {
        return entries.iterator();
    }

    /**
     * What {@link #releaseAcked} took off the window: everything up to {@code last} is accounted for at the stream,
     * releasing {@code bytes} of backlog, {@code declaredBytes} of them declared dropped instead of published.
     */
    record Released(BatchPosition last, long bytes, long declaredBytes) {}
}
