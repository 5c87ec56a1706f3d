package io.dualhub.edge.forward;

import java.time.Duration;

/**
 * How the forwarder publishes: at most {@code window} batches awaiting their JetStream ack, a publish counted as
 * failed after {@code publishTimeout}, and failed publishes retried after an exponential backoff with jitter
 * (initial, multiplier, randomization factor, cap) that resets on the next success. A circuit breaker opens when
 * more than {@code breakerFailureRate} percent of recent publishes fail and stops sending for {@code breakerOpenFor}
 * before probing again. Durable data is never given up.
 */
public record ForwarderConfig(int window, Duration publishTimeout, Duration retryInitial, double retryMultiplier,
                              double retryRandomization, Duration retryMax, float breakerFailureRate,
                              Duration breakerOpenFor) {
    public ForwarderConfig {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException("retry max " + retryMax + " is below the initial interval " + retryInitial);
        }
    }
}
