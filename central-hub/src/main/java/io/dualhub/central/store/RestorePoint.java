package io.dualhub.central.store;

import java.util.Map;
import java.util.TreeMap;

/**
 * Where a hub started from a backup reads the metrics streams from: for each stream, the first sequence the backed-up
 * hub had not acknowledged when the backup began. Every message below it was committed before the snapshot's
 * transaction started (a hub acknowledges only after its commit), so it is in the backup; from it on the restored
 * hub reads again, and its trackers recognise what the backup already holds.
 *
 * @param source the instance whose store was backed up
 * @param takenAtMs when the backup began
 * @param nextSeq stream name to the stream sequence to read from
 */
public record RestorePoint(String source, long takenAtMs, Map<String, Long> nextSeq) {
    public RestorePoint {
        nextSeq = Map.copyOf(new TreeMap<>(nextSeq));
        for (Map.Entry<String, Long> e : nextSeq.entrySet()) {
            if (e.getValue() < 1) {
                throw new IllegalArgumentException(
                        "BUG: stream " + e.getKey() + " restore sequence " + e.getValue() + " below 1");
            }
        }
    }
}
