package io.dualhub.central.store;

/**
 * What the store holds for one edge: highest contiguous sequence stored, highest seen at all, counts of batches,
 * points and dropped duplicates, and when the last batch was committed. An immutable snapshot.
 */
public record EdgeStoreState(String edge, long contiguousSeq, long highestSeq, long batches, long points,
                             long duplicates, long lastStoredMs) {
}
