package io.dualhub.central.export;

import java.time.Duration;
import java.util.List;

/**
 * Where the leader exports every stored point to by Prometheus remote write, and how.
 *
 * @param targets       the remote-write receivers (like {@code http://vm:8428/api/v1/write}); each gets every point
 * @param timeout       one request's HTTP timeout; a request without an answer in it is retried
 * @param maxSamples    samples in one request at most
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
        Duration maxBackoff,
        Duration alertAfter,
        Duration replayWindow) {
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_SAMPLES = 5000;
    public static final Duration DEFAULT_MAX_BACKOFF = Duration.ofSeconds(30);
    public static final Duration DEFAULT_ALERT_AFTER = Duration.ofMinutes(5);
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
        if (maxSamples < 1
                || timeout.isNegative()
                || timeout.isZero()
                || maxBackoff.isNegative()
                || replayWindow.isNegative()) {
            throw new IllegalArgumentException("BUG: export settings out of their bounds");
        }
    }

    /** No export: the defaults without a target. */
    public static ExportSettings none() {
        return new ExportSettings(
                List.of(),
                DEFAULT_TIMEOUT,
                DEFAULT_MAX_SAMPLES,
                DEFAULT_MAX_BACKOFF,
                DEFAULT_ALERT_AFTER,
                DEFAULT_REPLAY_WINDOW);
    }
}
