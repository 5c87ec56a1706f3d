package io.dualhub.central.gaps;

/**
 * Batches {@code from..to} of one edge incarnation that the store of CentralHub {@code instance} lacks although the
 * stream acknowledged them. A standby sends its own to the leader, which alone asks edges to resend.
 */
public record MissingRange(String instance, String edge, String incarnation, long from, long to) {

    /** The same range seen by two hubs is one resend: the key leaves out which hub saw it. */
    RangeKey key() {
        return new RangeKey(edge, incarnation, from);
    }
}
