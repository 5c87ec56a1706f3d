package io.dualhub.central.store;

/** Totals over all edges, for {@code GET /api/v1/stats}. */
public record StoreStats(long pointsStored, long batchesStored, long duplicatesDropped, int edges) {
}
