package io.dualhub.central.store;

/** What the store did with one batch of a commit. */
public enum CommitOutcome {
    STORED, DUPLICATE
}
