package io.dualhub.edge.forward;

import static io.dualhub.common.config.InvalidSetting.require;

import io.dualhub.common.config.Settings;
import java.time.Duration;

/**
 * How the forwarder publishes: at most {@code window} batches awaiting their JetStream ack, a publish counted as
 * failed after {@code publishTimeout}, and failed publishes retried after an exponential backoff with jitter
 * (initial, multiplier, randomization factor, cap) that resets on the next success. A circuit breaker opens when
 * more than {@code breakerFailureRate} percent of recent publishes fail and stops sending for {@code breakerOpenFor}
 * before probing again. Durable data is never given up. Built by {@link #custom()} (each value starting at its
 * default below, the default of its {@code forward.*} key) or {@link #ofDefaults()}; every bound is checked here,
 * once, naming the key.
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

    /** Batches in flight: enough to keep a link of a few ms round trip busy at the edge's batch size. */
    public static final int DEFAULT_WINDOW = 64;
    /** More would hold that many unacknowledged batches in memory. */
    public static final int MAX_WINDOW = 100_000;
    /** Well above a healthy JetStream ack (a few ms), well below a failover (seconds). */
    public static final Duration DEFAULT_PUBLISH_TIMEOUT = Duration.ofSeconds(1);
    /** Below this a publish times out before a healthy ack could come back. */
    public static final Duration MIN_PUBLISH_TIMEOUT = Duration.ofMillis(10);

    public static final Duration DEFAULT_RETRY_INITIAL = Duration.ofMillis(100);
    public static final Duration MIN_RETRY_INTERVAL = Duration.ofMillis(1);
    public static final double DEFAULT_RETRY_MULTIPLIER = 2;
    public static final double MAX_RETRY_MULTIPLIER = 100;
    /** Each backoff lies within ±50 % of its nominal value, so many edges do not retry in step. */
    public static final double DEFAULT_RETRY_RANDOMIZATION = 0.5;
    /** The longest pause between retries: what a recovered link waits at most before data flows again. */
    public static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(5);
    /** Percent of the breaker's window failing that opens it. */
    public static final float DEFAULT_BREAKER_FAILURE_RATE = 50;

    public static final Duration DEFAULT_BREAKER_OPEN_FOR = Duration.ofSeconds(5);
    public static final Duration MIN_BREAKER_OPEN_FOR = Duration.ofMillis(100);

    /**
     * The breaker judges the last 20 publishes, once there were 10: a few failures during a failover do not open
     * it, ten failures on the route in use do (with the default backoff between them, about 20 s; a dead route whose
     * twin works is switched away from before that). Half-open, 3 probes decide.
     */
    public static final int BREAKER_WINDOW = 20;

    static final int BREAKER_MIN_CALLS = 10;
    static final int BREAKER_PROBES = 3;
    /**
     * Publishes in a row that time out before the NATS connection is dropped and made again: one timeout is a slow
     * stream leader, two in a row are most likely a server that is frozen or cut off while its socket stays open,
     * which pings take far longer to notice.
     */
    static final int TIMEOUTS_BEFORE_RECONNECT = 2;

    public ForwarderConfig {
        require(window >= 1 && window <= MAX_WINDOW, "forward.window", window, "an integer from 1 to " + MAX_WINDOW);
        require(
                publishTimeout.compareTo(MIN_PUBLISH_TIMEOUT) >= 0,
                "forward.publish-timeout",
                publishTimeout,
                "at least " + MIN_PUBLISH_TIMEOUT.toMillis() + "ms");
        require(
                retryInitial.compareTo(MIN_RETRY_INTERVAL) >= 0,
                "forward.retry.initial-interval",
                retryInitial,
                "at least " + MIN_RETRY_INTERVAL.toMillis() + "ms");
        require(
                retryMultiplier >= 1 && retryMultiplier <= MAX_RETRY_MULTIPLIER,
                "forward.retry.multiplier",
                retryMultiplier,
                "a number from 1 to " + Settings.text(MAX_RETRY_MULTIPLIER));
        require(
                retryRandomization >= 0 && retryRandomization <= 1,
                "forward.retry.randomization",
                retryRandomization,
                "a number from 0 to 1");
        require(
                retryMax.compareTo(retryInitial) >= 0,
                "forward.retry.max-interval",
                retryMax,
                "at least forward.retry.initial-interval (" + retryInitial.toMillis() + "ms)");
        require(
                breakerFailureRate >= 1 && breakerFailureRate <= 100,
                "forward.breaker.failure-rate",
                breakerFailureRate,
                "a percentage from 1 to 100");
        require(
                breakerOpenFor.compareTo(MIN_BREAKER_OPEN_FOR) >= 0,
                "forward.breaker.open-duration",
                breakerOpenFor,
                "at least " + MIN_BREAKER_OPEN_FOR.toMillis() + "ms");
    }

    public static ForwarderConfig ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Builds a {@link ForwarderConfig}; each value starts at its default. */
    public static final class Builder {
        private int window = DEFAULT_WINDOW;
        private Duration publishTimeout = DEFAULT_PUBLISH_TIMEOUT;
        private Duration retryInitial = DEFAULT_RETRY_INITIAL;
        private double retryMultiplier = DEFAULT_RETRY_MULTIPLIER;
        private double retryRandomization = DEFAULT_RETRY_RANDOMIZATION;
        private Duration retryMax = DEFAULT_RETRY_MAX;
        private float breakerFailureRate = DEFAULT_BREAKER_FAILURE_RATE;
        private Duration breakerOpenFor = DEFAULT_BREAKER_OPEN_FOR;

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
