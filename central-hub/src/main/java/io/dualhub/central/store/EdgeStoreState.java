package io.dualhub.central.store;

import java.util.List;

/**
 * What the store holds for one edge: highest contiguous sequence stored, highest seen at all, counts of batches,
 * points and dropped duplicates, when the last batch was committed, and the batches and points the edge declared
 * dropped by its overflow policy, the batches it could no longer resend (lost), each with their sequence ranges, and
 * the holes below the highest sequence seen ({@code missing}, as [from, to] pairs), and the batches this hub refused
 * as invalid (broke the wire schema or the point limits; accounted, never stored); sequences are those of the
 * edge's current buffer {@code incarnation}. An immutable snapshot.
 */
public record EdgeStoreState(
        String edge,
        long contiguousSeq,
        long highestSeq,
        long batches,
        long points,
        long duplicates,
        long lastStoredMs,
        long droppedBatches,
        long droppedPoints,
        List<String> droppedRanges,
        long lostBatches,
        List<String> lostRanges,
        List<long[]> missing,
        String incarnation,
        long invalidBatches,
        List<String> invalidRanges) {}
