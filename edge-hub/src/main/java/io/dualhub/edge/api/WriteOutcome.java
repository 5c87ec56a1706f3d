package io.dualhub.edge.api;

import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpStatus;

/**
 * How a write ended: stored (every point durably in the buffer), or refused with the status to answer, what is
 * wrong, the 1-based line at fault when there is one, and for a full buffer the seconds to wait (0: none).
 */
record WriteOutcome(
        HttpStatus status,
        @Nullable String message,
        @Nullable Integer line,
        long retryAfterSeconds) {
    static final WriteOutcome STORED = new WriteOutcome(HttpStatus.NO_CONTENT, null, null, 0);

    static WriteOutcome refused(HttpStatus status, String message, @Nullable Integer line) {
        return new WriteOutcome(status, message, line, 0);
    }

    static WriteOutcome retryLater(String message, long seconds) {
        return new WriteOutcome(HttpStatus.SERVICE_UNAVAILABLE, message, null, seconds);
    }

    boolean stored() {
        return status == HttpStatus.NO_CONTENT;
    }
}
