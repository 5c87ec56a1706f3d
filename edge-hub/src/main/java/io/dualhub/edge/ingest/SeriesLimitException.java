package io.dualhub.edge.ingest;

import java.time.Duration;

/** Points that would take the edge past {@code ingest.max-series}: refused whole (400), nothing stored. */
public final class SeriesLimitException extends RuntimeException {
    public SeriesLimitException(int maxSeries, Duration window) {
        super("the request brings series past this edge's limit of " + maxSeries + " series per " + window.toMinutes()
                + " min (ingest.max-series, ingest.series-window); nothing was stored: fewer distinct tag values"
                + " (ids, timestamps and pod names make a series each), or raise the limit");
    }
}
