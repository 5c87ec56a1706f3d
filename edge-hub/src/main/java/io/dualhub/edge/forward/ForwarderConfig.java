package io.dualhub.edge.forward;

import java.time.Duration;

/**
 * How the forwarder publishes: at most {@code window} batches awaiting their JetStream ack, a publish counted as
 * failed after {@code publishTimeout}, and failed publishes retried after an exponential backoff with jitter
 * (initial, multiplier, randomization factor, cap) that resets on the next success. A circuit breaker opens when
 * more than {@code breakerFailureRate} percent of recent publishes fail and stops sending for {@code breakerOpenFor}
 * before probing again. Durable data is never given up.
 */
public record ForwarderConfig(
        int window,
        Duration publishTimeout,
        Duration retryInitial,
        double retryMultiplier,
        double retryRandomization,
        Duration retryMax,
        float breakerFailureRate,
        Duration breakerOpenFor) {
    public ForwarderConfig {
        if (window < 1) {
            throw new IllegalArgumentException("window must be >= 1");
        }
        if (retryMax.compareTo(retryInitial) < 0) {
            throw new IllegalArgumentException(
                    "retry max " + retryMax + " is below the initial interval " + retryInitial);
        }
    }

    /** A forwarder configuration from the defaults of the edge's {@code forward.*} keys, for tests and tools. */
    public static Builder custom() {
        return new Builder();
    }

    /** Builds a {@link ForwarderConfig}; each value starts as its {@code forward.*} key's default. */
    public static final class Builder {
        private int window = 64;
        private Duration publishTimeout = Duration.ofSeconds(1);
        private Duration retryInitial = Duration.ofMillis(100);
        private double retryMultiplier = 2;
        private double retryRandomization = 0.5;
        private Duration retryMax = Duration.ofSeconds(5);
        private float breakerFailureRate = 50;
        private Duration breakerOpenFor = Duration.ofSeconds(5);

        private Builder() {}

        public Builder window(int batches) {
            window = batches;
            return this;
        }

        public Builder publishTimeout(Duration d) {
            publishTimeout = d;
            return this;
        }

        /**
         * The backoff after a failed publish: from {@code initial}, times {@code multiplier} each time, to {@code max}.
         */
        public Builder retry(Duration initial, double multiplier, Duration max) {
            retryInitial = initial;
            retryMultiplier = multiplier;
            retryMax = max;
            return this;
        }

        public Builder retryRandomization(double factor) {
            retryRandomization = factor;
            return this;
        }

        public Builder breaker(float failureRatePercent, Duration openFor) {
            breakerFailureRate = failureRatePercent;
            breakerOpenFor = openFor;
            return this;
        }

        public ForwarderConfig build() {
            return new ForwarderConfig(
                    window,
                    publishTimeout,
                    retryInitial,
                    retryMultiplier,
                    retryRandomization,
                    retryMax,
                    breakerFailureRate,
                    breakerOpenFor);
        }
    }
}
