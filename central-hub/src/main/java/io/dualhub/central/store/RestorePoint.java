package io.dualhub.central.store;

import io.dualhub.common.MetricsRoute;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where a hub started from a backup reads the metrics streams from: for each stream, the first sequence the backed-up
 * hub had not acknowledged when the backup began. Every message below it was committed before the snapshot's
 * transaction started (a hub acknowledges only after its commit), so it is in the backup; from it on the restored
 * hub reads again, and its trackers recognise what the backup already holds. A store that could not replay its WAL
 * and opened on its last checkpoint sets one itself ({@link #streamsFromStart}): it does not know where in the streams
 * that checkpoint ends, so it reads them from their start.
 *
 * @param source the instance whose store was backed up, or {@link #LAST_CHECKPOINT}
 * @param takenAtMs when the backup began, or when the store set its WAL aside
 * @param nextSeq stream name to the stream sequence to read from
 */
public record RestorePoint(String source, long takenAtMs, Map<String, Long> nextSeq) {
    /** The source of a restore point a store set itself: no instance id has parentheses or spaces. */
    public static final String LAST_CHECKPOINT = "(last checkpoint)";

    public RestorePoint {
        nextSeq = Map.copyOf(new TreeMap<>(nextSeq));
        for (Map.Entry<String, Long> e : nextSeq.entrySet()) {
            if (e.getValue() < 1) {
                throw new IllegalArgumentException(
                        "BUG: stream " + e.getKey() + " restore sequence " + e.getValue() + " below 1");
            }
        }
    }

    /** Every metrics stream from its first message: for a store that opened on its last checkpoint at {@code atMs}. */
    static RestorePoint streamsFromStart(long atMs) {
        Map<String, Long> first = new TreeMap<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            first.put(route.stream(), 1L);
        }
        return new RestorePoint(LAST_CHECKPOINT, atMs, first);
    }

    /** False for the restore point a store set itself after it could not replay its WAL. */
    public boolean fromBackup() {
        return !LAST_CHECKPOINT.equals(source);
    }

    /** What the store was restored from, for the log. */
    public String describe() {
        return fromBackup()
                ? "a backup of " + source + " taken at " + Instant.ofEpochMilli(takenAtMs)
                : "its last checkpoint (its WAL could not be replayed and was set aside at "
                        + Instant.ofEpochMilli(takenAtMs) + ")";
    }
}
