package io.dualhub.central.store;

import java.io.IOException;

/**
 * Receives a query's answer as the store reads it: each matching series in turn, then its points in time order, so
 * no answer is ever held in memory whole.
 */
public interface SeriesSink {
    /** The next matching series; the points that follow, until the next call, are its own. */
    void series(SeriesKey series) throws IOException;

    void point(long timestampMs, double value) throws IOException;
}
