package io.dualhub.edge.forward;

import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Latency;
import io.dualhub.hub.metrics.LatencyTimers;
import io.github.resilience4j.circuitbreaker.CircuitBreaker;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.concurrent.TimeUnit;

/**
 * The forwarder's meters: acks and their latency, failed attempts, what the overflow policy dropped, and the circuit
 * breaker's state and openings. Written by the forwarder thread (the openings by whichever thread opens the
 * breaker); Micrometer's meters are thread-safe for the scrape.
 */
final class ForwarderMetrics {
    private final Timer publishAck;
    private final Counter acked;
    private final Counter failures;
    private final Counter pointsDropped;
    private final Counter batchesDropped;

    ForwarderMetrics(MeterRegistry meters, FailurePolicy policy) {
        Gauge.builder("dualhub.edge.circuit.state", policy, p -> stateCode(p.circuitState()))
                .description("Forwarder circuit breaker: 0 closed, 1 open, 2 half-open")
                .register(meters);
        Counter opened = Counter.builder("dualhub.edge.circuit.opened")
                .description("Times the forwarder's circuit breaker opened")
                .register(meters);
        policy.onOpened(opened::increment);
        this.publishAck = Timer.builder("dualhub.edge.publish.ack")
                .description("Time from publishing a batch to its JetStream acknowledgement")
                .publishPercentileHistogram()
                .publishPercentiles(LatencyTimers.PERCENTILES)
                .register(meters);
        this.acked = Counter.builder("dualhub.edge.batches.acked")
                .description("Batches acknowledged by JetStream")
                .register(meters);
        this.failures = Counter.builder("dualhub.edge.publish.failures")
                .description("Publish attempts that failed or timed out and will be retried")
                .register(meters);
        this.pointsDropped = Counter.builder("dualhub.edge.points.dropped")
                .description("Points dropped by the overflow policy and declared to the CentralHub")
                .register(meters);
        this.batchesDropped = Counter.builder("dualhub.edge.batches.dropped")
                .description("Batches dropped by the overflow policy and declared to the CentralHub")
                .register(meters);
    }

    void ackedAfter(long nanos) {
        publishAck.record(nanos, TimeUnit.NANOSECONDS);
    }

    void batchAcked() {
        acked.increment();
    }

    void publishFailed() {
        failures.increment();
    }

    /** The stream has {@code gap}: its batches and points count as dropped from now on. */
    void declared(GapDeclaration gap) {
        pointsDropped.increment(gap.points());
        batchesDropped.increment(gap.toSeq() - gap.fromSeq() + 1);
    }

    /** Publish-to-acknowledgement latency over the last few minutes. */
    Latency publishAckLatency() {
        return LatencyTimers.latency(publishAck);
    }

    private static int stateCode(CircuitBreaker.State state) {
        return switch (state) {
            case CLOSED -> 0;
            case OPEN, FORCED_OPEN -> 1;
            case HALF_OPEN -> 2;
            default -> 3;
        };
    }
}
