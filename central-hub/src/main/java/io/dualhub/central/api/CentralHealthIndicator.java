package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.ingest.Ingestor;
import io.dualhub.common.Partition;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * UP while the hub can store: NATS unreachable is a detail (the hub serves what it has and resumes by itself);
 * a conflicting stream or a failing store is DOWN, with the reason.
 */
@Singleton
public class CentralHealthIndicator implements HealthIndicator {
    private final CentralHub hub;

    public CentralHealthIndicator(CentralHub hub) {
        this.hub = hub;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        Ingestor.State state = hub.ingestor().state();
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("instance", hub.config().instance());
        details.put("nats", hub.nats().state());
        details.put("ingest", state.name());
        details.put("role", hub.lease().holds() ? "leader" : "standby");
        Partition group = hub.config().partition();
        if (group.count() > 1) {
            details.put("partition", group.index() + " of " + group.count());
        }
        if (!hub.ingestor().problem().isEmpty()) {
            details.put("problem", oneLine(hub.ingestor().problem()));
        }
        details.put("pointsStored", hub.store().stats().pointsStored());
        boolean down = state == Ingestor.State.STREAM_CONFLICT || state == Ingestor.State.STORE_FAILING;
        return Publishers.just(HealthResult.builder("central", down ? HealthStatus.DOWN : HealthStatus.UP)
                .details(details)
                .build());
    }

    /** /health is open to anyone: the reason in one short line, not an engine's whole error text (that is logged). */
    static String oneLine(String problem) {
        String line = problem.lines().findFirst().orElse("").strip();
        return line.length() <= 200 ? line : line.substring(0, 197) + "...";
    }
}
