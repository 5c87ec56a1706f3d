package io.dualhub.central.gaps;

/** One missing range as the schedule knows it: the same range seen by two hubs is one resend, whoever saw it. */
record RangeKey(String edge, String incarnation, long from) {}
