package io.dualhub.central.analysis;

/**
 * An active alert: a stable key (one per condition and series), its severity ({@code warning} or {@code critical}),
 * the edge it concerns, a one-line summary and since when it holds.
 */
public record Alert(String key, String severity, String kind, String edge, String summary, long sinceMs) {}
