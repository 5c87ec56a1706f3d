package io.dualhub.central.alerting;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.common.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongFunction;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Raises an alert about this hub once something it does has failed every attempt for a while, and resolves it with
 * the first attempt that succeeds: {@code DualhubStoreFailing} (every commit of the store, for
 * {@code alerting.store-failing-after}) and {@code DualhubExportFailing} (every request to a remote-write receiver,
 * for {@code export.alert-after}). Such alerts are of kind {@link Alert#HUB_KIND}: this hub sends them itself, leader
 * or standby (a standby's failing store is not on the leader's board). Checked every 5 s on its own thread.
 */
public final class FailingAlerts implements AutoCloseable {
    private static final Duration CHECK = Duration.ofSeconds(5);

    /**
     * One thing watched.
     *
     * @param key          the alert's key (one alert per watched thing)
     * @param name         the alert's name
     * @param after        how long it must have failed
     * @param failingForMs how long it has failed every attempt (0 while it succeeds)
     * @param summary      the alert's summary, given how long it has failed (in ms)
     */
    public record Watched(
            String key, String name, Duration after, LongSupplier failingForMs, LongFunction<String> summary) {

        /** The store of CentralHub {@code instance}, whose last error is {@code problem}. */
        public static Watched store(
                String instance, LongSupplier failingForMs, Supplier<String> problem, Duration after) {
            return new Watched(
                    "store:" + instance,
                    "DualhubStoreFailing",
                    after,
                    failingForMs,
                    ms -> "the store of CentralHub " + instance + " has failed every commit for " + seconds(ms) + " s: "
                            + problem.get());
        }

        /** Export to the remote-write receiver {@code target}, whose last error is {@code problem}. */
        public static Watched export(
                String target, LongSupplier failingForMs, Supplier<String> problem, Duration after) {
            return new Watched(
                    "export:" + target,
                    "DualhubExportFailing",
                    after,
                    failingForMs,
                    ms -> "export to " + target + " has failed every request for " + seconds(ms) + " s ("
                            + problem.get() + "); the points wait in the metrics streams");
        }

        private static long seconds(long ms) {
            return Duration.ofMillis(ms).toSeconds();
        }
    }

    private final String instance;
    private final AlertBoard alerts;
    private final List<Watched> watched;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("failing-alerts");

    public FailingAlerts(String instance, AlertBoard alerts, List<Watched> watched, Clock clock) {
        this.instance = instance;
        this.alerts = alerts;
        this.watched = List.copyOf(watched);
        this.clock = clock;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::check, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    void check() {
        for (Watched w : watched) {
            long failing = w.failingForMs().getAsLong();
            if (failing > 0 && failing >= w.after().toMillis()) {
                alerts.raise(Alert.ofHub(
                        w.key(), w.name(), "critical", instance, w.summary().apply(failing), clock.millis() - failing));
            } else if (failing == 0) {
                alerts.resolve(w.key());
            }
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
