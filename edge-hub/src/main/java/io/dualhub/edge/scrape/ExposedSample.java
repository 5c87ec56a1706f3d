package io.dualhub.edge.scrape;

import java.util.SortedMap;

/**
 * One sample of a scraped page: the metric name, its labels as the target exposed them, the value (any double,
 * NaN and infinities included) and the target's own timestamp in epoch milliseconds, or {@link #NO_TIMESTAMP}.
 */
record ExposedSample(String name, SortedMap<String, String> labels, double value, long timestampMs) {
    static final long NO_TIMESTAMP = Long.MIN_VALUE;

    boolean hasTimestamp() {
        return timestampMs != NO_TIMESTAMP;
    }
}
