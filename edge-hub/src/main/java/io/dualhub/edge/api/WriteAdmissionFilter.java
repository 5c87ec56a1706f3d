package io.dualhub.edge.api;

import io.dualhub.edge.EdgeAgent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.core.annotation.Order;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.RequestFilter;
import io.micronaut.http.annotation.ServerFilter;
import io.micronaut.http.filter.FilterContinuation;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * Bounds the writes in progress, decided on a request's headers before its body is read: at most
 * {@code http.max-concurrent-writes} at once, and at most {@code http.max-write-bytes} of their bodies (as declared by
 * Content-Length; a body without one counts as {@code http.max-body}). A write past either bound answers 503 with
 * Retry-After and nothing is stored; one write is always let in, whatever its size. Runs after
 * {@link IngestTokenFilter}, so a caller without the token takes no place. The counts are guarded by this filter's
 * monitor; a place is given back when the write's response is ready.
 */
@ServerFilter({"/api/v1/write", "/write", "/api/v2/write", "/v1/metrics"})
@Order(10)
public class WriteAdmissionFilter {
    /** Writes finish within a second or so: a refused writer is asked to come back after one. */
    static final long RETRY_AFTER_SECONDS = 1;

    private final int maxWrites;
    private final long maxBytes;
    private final long maxBody;
    private int writes;
    private long bytes;

    public WriteAdmissionFilter(EdgeAgent agent, MeterRegistry meters) {
        this.maxWrites = agent.config().maxConcurrentWrites();
        this.maxBytes = agent.config().maxWriteBytes();
        this.maxBody = agent.config().maxBodyBytes();
        Gauge.builder("dualhub.edge.writes.in.progress", this, WriteAdmissionFilter::inProgress)
                .description("Write requests admitted and not yet answered (http.max-concurrent-writes at most)")
                .register(meters);
    }

    @RequestFilter
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> admit(HttpRequest<?> request, FilterContinuation<HttpResponse<?>> next) {
        long declared = request.getContentLength() >= 0 ? request.getContentLength() : maxBody;
        String refusal = take(declared);
        if (refusal != null) {
            return WriteDialect.of(request.getPath())
                    .answer(WriteOutcome.retryLater(
                            refusal + "; retry after " + RETRY_AFTER_SECONDS + " s, nothing was stored",
                            RETRY_AFTER_SECONDS));
        }
        try {
            return next.proceed();
        } finally {
            giveBack(declared);
        }
    }

    /** Takes a place for a body of {@code declared} bytes; null when taken, else why not. */
    private synchronized String take(long declared) {
        if (writes >= maxWrites) {
            return "this edge is taking " + writes + " writes already (http.max-concurrent-writes = " + maxWrites + ")";
        }
        if (writes > 0 && bytes + declared > maxBytes) {
            return "the writes in progress hold " + bytes + " bytes and this one declares " + declared
                    + " (http.max-write-bytes = " + maxBytes + ")";
        }
        writes++;
        bytes += declared;
        return null;
    }

    private synchronized void giveBack(long declared) {
        writes--;
        bytes -= declared;
    }

    /** Writes admitted and not yet answered. */
    public synchronized int inProgress() {
        return writes;
    }
}
