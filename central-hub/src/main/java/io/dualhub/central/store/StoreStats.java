package io.dualhub.central.store;

/** Totals over all edges, for {@code GET /api/v1/stats}; declared-dropped points were never stored. */
public record StoreStats(
        long pointsStored, long batchesStored, long duplicatesDropped, long pointsDeclaredDropped, int edges) {}
