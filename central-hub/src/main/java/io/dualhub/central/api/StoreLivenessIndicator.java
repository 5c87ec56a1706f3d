package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import io.micronaut.management.health.indicator.annotation.Liveness;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * The hub's liveness: DOWN once every commit has failed for {@code store.failing-restart}, so that a supervisor
 * (systemd's watchdog script, Kubernetes' liveness probe) restarts a hub its store will not let work; a store that
 * failed for less is only not ready ({@link CentralHealthIndicator}), since it usually recovers by itself.
 */
@Singleton
@Liveness
public class StoreLivenessIndicator implements HealthIndicator {
    private final CentralHub hub;

    public StoreLivenessIndicator(CentralHub hub) {
        this.hub = hub;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        long failingMs = hub.ingestor().storeFailingForMs();
        Duration limit = hub.config().store().failingRestart();
        return Publishers.just(
                HealthResult.builder("store", live(failingMs, limit) ? HealthStatus.UP : HealthStatus.DOWN)
                        .details(Map.of("failingForMs", failingMs, "failingRestart", limit.toString()))
                        .build());
    }

    /** Alive unless every commit has failed for at least the limit (a zero limit: always alive). */
    static boolean live(long failingMs, Duration limit) {
        return limit.isZero() || failingMs < limit.toMillis();
    }
}
