package io.dualhub.central.store;

/**
 * What the store did with one message of a commit: stored a batch, recorded a declared gap, only counted it, or
 * refused a batch whose new series would pass {@code store.max-series-per-edge} (accounted as invalid, not stored).
 */
public enum CommitOutcome {
    STORED,
    DECLARED,
    DUPLICATE,
    REFUSED_SERIES
}
