package io.dualhub.central.store;

/** What the store did with one message of a commit: stored a batch, recorded a declared gap, or only counted it. */
public enum CommitOutcome {
    STORED, DECLARED, DUPLICATE
}
