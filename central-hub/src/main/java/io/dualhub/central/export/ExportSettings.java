package io.dualhub.central.export;

import static io.dualhub.common.config.InvalidSetting.require;
import static io.dualhub.common.config.InvalidSetting.requireAtLeast;

import java.time.Duration;
import java.util.List;

/**
 * Where the leader exports every stored point to by Prometheus remote write, and how. Built by {@link #custom()}
 * (each value starting at its default below, the default of its {@code export.*} key; no target) or
 * {@link #ofDefaults()}; every bound is checked here, once, naming the key.
 *
 * @param targets       the remote-write receivers (like {@code http://vm:8428/api/v1/write}); each gets every point
 * @param timeout       one request's HTTP timeout; a request without an answer in it is retried
 * @param maxSamples    samples in one request at most
 * @param parallelRequests requests in flight at once to each receiver; within a unit a series is in one lane of them
 * @param maxBackoff    longest wait between two attempts at a failing receiver (doubling from 100 ms, with jitter)
 * @param alertAfter    how long a receiver must have failed every attempt before {@code DualhubExportFailing}
 * @param replayWindow  what is sent again when a hub starts exporting, and when a receiver takes requests again after
 *                      failing: everything published this long before (receivers that buffer in memory lose their
 *                      last seconds when they crash; 0: nothing)
 */
public record ExportSettings(
        List<ExportTarget> targets,
        Duration timeout,
        int maxSamples,
        int parallelRequests,
        Duration maxBackoff,
        Duration alertAfter,
        Duration replayWindow) {
    /** Prometheus' own remote_timeout. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    /** Below it a slow link times out requests that would have been answered. */
    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    /** Large enough that a request's own cost is small beside its samples, small enough for a receiver's limits. */
    public static final int DEFAULT_MAX_SAMPLES = 5000;
    /** Refuses a mistyped value; receivers refuse bodies past their own size limits long before. */
    public static final int MAX_MAX_SAMPLES = 1_000_000;
    /**
     * Enough to keep a receiver's cores busy while this hub prepares the next requests (vmagent's default is twice the
     * CPUs); each is a connection of its own.
     */
    public static final int DEFAULT_PARALLEL_REQUESTS = 4;
    /** Refuses a mistyped value: each request in flight holds a connection and a request's samples in memory. */
    public static final int MAX_PARALLEL_REQUESTS = 64;
    /** A receiver down for long is asked again about every 30 s, with jitter, so hubs do not ask in step. */
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    /** The first backoff; a longest backoff below it would not back off at all. */
    public static final Duration MIN_MAX_BACKOFF = Duration.ofMillis(100);
    /** A receiver restarting (seconds) raises no alert; one down for minutes does. */
    public static final Duration DEFAULT_ALERT_AFTER = Duration.ofMinutes(5);

    public static final Duration MIN_ALERT_AFTER = Duration.ofSeconds(1);
    /**
     * A receiver that buffers in memory (VictoriaMetrics keeps recent samples a few seconds before they reach disk)
     * loses them when it crashes; a minute covers that with room to spare.
     */
    public static final Duration DEFAULT_REPLAY_WINDOW = Duration.ofMinutes(1);
    /**
     * How long a delivered message may stay unacknowledged before JetStream offers it again. Short, so that the unit
     * a killed leader held reaches the next one within seconds; the exporter keeps the unit it works on alive (before
     * each attempt, and while it waits between attempts), and a unit offered again to the hub exporting it is taken
     * as a duplicate once exported.
     */
    static final Duration ACK_WAIT = Duration.ofSeconds(10);

    public ExportSettings {
        targets = List.copyOf(targets);
        requireAtLeast(timeout, MIN_TIMEOUT, "export.timeout");
        require(
                maxSamples >= 1 && maxSamples <= MAX_MAX_SAMPLES,
                "export.max-samples-per-request",
                maxSamples,
                "an integer from 1 to " + MAX_MAX_SAMPLES);
        require(
                parallelRequests >= 1 && parallelRequests <= MAX_PARALLEL_REQUESTS,
                "export.parallel-requests",
                parallelRequests,
                "an integer from 1 to " + MAX_PARALLEL_REQUESTS);
        requireAtLeast(maxBackoff, MIN_MAX_BACKOFF, "export.max-backoff");
        requireAtLeast(alertAfter, MIN_ALERT_AFTER, "export.alert-after");
        requireAtLeast(replayWindow, Duration.ZERO, "export.replay-window");
    }

    public static ExportSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** Starts from the defaults, without a target; each setter replaces one value. */
    public static final class Builder {
        private List<ExportTarget> targets = List.of();
        private Duration timeout = DEFAULT_TIMEOUT;
        private int maxSamples = DEFAULT_MAX_SAMPLES;
        private int parallelRequests = DEFAULT_PARALLEL_REQUESTS;
        private Duration maxBackoff = DEFAULT_MAX_BACKOFF;
        private Duration alertAfter = DEFAULT_ALERT_AFTER;
        private Duration replayWindow = DEFAULT_REPLAY_WINDOW;

        private Builder() {}

        public Builder targets(List<ExportTarget> receivers) {
            this.targets = receivers;
            return this;
        }

        public Builder timeout(Duration perRequest) {
            this.timeout = perRequest;
            return this;
        }

        public Builder maxSamples(int perRequest) {
            this.maxSamples = perRequest;
            return this;
        }

        public Builder parallelRequests(int inFlight) {
            this.parallelRequests = inFlight;
            return this;
        }

        public Builder maxBackoff(Duration longest) {
            this.maxBackoff = longest;
            return this;
        }

        public Builder alertAfter(Duration failing) {
            this.alertAfter = failing;
            return this;
        }

        public Builder replayWindow(Duration sentAgain) {
            this.replayWindow = sentAgain;
            return this;
        }

        public ExportSettings build() {
            return new ExportSettings(
                    targets, timeout, maxSamples, parallelRequests, maxBackoff, alertAfter, replayWindow);
        }
    }
}
