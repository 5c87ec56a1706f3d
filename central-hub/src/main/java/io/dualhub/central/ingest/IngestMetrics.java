package io.dualhub.central.ingest;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Latency;
import io.dualhub.hub.metrics.LatencyTimers;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The ingest meters: what was committed, counted again, or declared dropped, and how long it took. Counted on the
 * ingest thread after each commit; {@link #commitLatency()} is read by /health and the API threads.
 */
final class IngestMetrics {
    private final Counter pointsStored;
    private final Counter staleMarkers;
    private final Counter batchesStored;
    private final Counter duplicates;
    private final Counter declared;
    private final Timer e2eLatency;
    private final Timer commitLatency;

    IngestMetrics(MeterRegistry meters) {
        this.pointsStored = Counter.builder("dualhub.central.points.stored")
                .description("Points committed to the store")
                .register(meters);
        this.staleMarkers = Counter.builder("dualhub.central.stale.markers")
                .description("Staleness markers in stored batches: not stored (the store keeps samples), exported")
                .register(meters);
        this.batchesStored = Counter.builder("dualhub.central.batches.stored")
                .description("Batches committed to the store")
                .register(meters);
        this.duplicates = Counter.builder("dualhub.central.duplicates.dropped")
                .description("Batches received again and acknowledged without storing")
                .register(meters);
        this.declared = Counter.builder("dualhub.central.points.declared.dropped")
                .description("Points edges declared dropped by their overflow policy")
                .register(meters);
        this.e2eLatency = Timer.builder("dualhub.central.e2e.latency")
                .description("From the edge accepting a batch to its commit here")
                .publishPercentileHistogram()
                .register(meters);
        this.commitLatency = Timer.builder("dualhub.central.store.commit")
                .description("Duration of one store transaction")
                .publishPercentileHistogram()
                .publishPercentiles(LatencyTimers.PERCENTILES)
                .register(meters);
    }

    /** A batch committed at {@code nowMs}, stored without the {@code markers} staleness markers it carried. */
    void stored(Batch stored, int markers, long nowMs) {
        batchesStored.increment();
        pointsStored.increment(stored.points().size());
        staleMarkers.increment(markers);
        // an edge clock ahead of this hub's would give a negative latency: counted as none
        e2eLatency.record(Math.max(0, nowMs - stored.createdAtMs()), TimeUnit.MILLISECONDS);
    }

    void duplicate() {
        duplicates.increment();
    }

    void declaredDropped(long points) {
        declared.increment(points);
    }

    void committed(long nanos) {
        commitLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    /** Store commit latency over the last few minutes. */
    Latency commitLatency() {
        return LatencyTimers.latency(commitLatency);
    }
}
