package io.dualhub.edge.scrape;

/** A scraped page that is not valid Prometheus text or OpenMetrics: the 1-based line and what is wrong with it. */
final class ExpositionException extends RuntimeException {
    ExpositionException(int line, String message) {
        super("line " + line + ": " + message);
    }
}
