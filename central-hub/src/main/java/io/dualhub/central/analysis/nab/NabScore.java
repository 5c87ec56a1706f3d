package io.dualhub.central.analysis.nab;

/**
 * A detector's result under one NAB profile: the corpus-wide threshold that maximised the raw score, that raw score,
 * the normalised score (0 = detect nothing, 100 = every window at its first row) and how many rows it flagged.
 */
public record NabScore(String profile, double threshold, double raw, double normalized, int detections) {}
