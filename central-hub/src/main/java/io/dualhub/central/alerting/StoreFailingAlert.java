package io.dualhub.central.alerting;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.common.DaemonThreads;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Raises {@code DualhubStoreFailing} (critical) once every commit of this hub's store has failed for
 * {@code alerting.store-failing-after}, with the store's error, and resolves it with the first commit that succeeds.
 * The alert is about this hub, so it is of kind {@link Alert#HUB_KIND}: this hub sends it itself, leader or standby
 * (a standby's failing store is not on the leader's board). Checked every 5 s on its own thread.
 */
public final class StoreFailingAlert implements AutoCloseable {
    private static final Duration CHECK = Duration.ofSeconds(5);
    private final String instance;
    private final AlertBoard alerts;
    private final LongSupplier failingForMs;
    private final Supplier<String> problem;
    private final Duration after;
    private final Clock clock;
    private final ScheduledExecutorService scheduler = DaemonThreads.scheduler("store-failing-alert");

    public StoreFailingAlert(
            String instance,
            AlertBoard alerts,
            LongSupplier failingForMs,
            Supplier<String> problem,
            Duration after,
            Clock clock) {
        this.instance = instance;
        this.alerts = alerts;
        this.failingForMs = failingForMs;
        this.problem = problem;
        this.after = after;
        this.clock = clock;
    }

    public void start() {
        scheduler.scheduleWithFixedDelay(this::check, CHECK.toMillis(), CHECK.toMillis(), TimeUnit.MILLISECONDS);
    }

    void check() {
        long failing = failingForMs.getAsLong();
        String key = "store:" + instance;
        if (failing > 0 && failing >= after.toMillis()) {
            alerts.raise(Alert.ofHub(
                    key,
                    "DualhubStoreFailing",
                    "critical",
                    instance,
                    "the store of CentralHub " + instance + " has failed every commit for "
                            + Duration.ofMillis(failing).toSeconds() + " s: " + problem.get(),
                    clock.millis() - failing));
        } else if (failing == 0) {
            alerts.resolve(key);
        }
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
    }
}
