package io.dualhub.edge.api;

import io.dualhub.edge.EdgeAgent;
import io.micronaut.core.async.publisher.Publishers;
import io.micronaut.health.HealthStatus;
import io.micronaut.management.health.indicator.HealthIndicator;
import io.micronaut.management.health.indicator.HealthResult;
import jakarta.inject.Singleton;
import java.nio.file.Files;
import java.util.LinkedHashMap;
import java.util.Map;
import org.reactivestreams.Publisher;

/**
 * UP while the buffer directory is writable: the edge keeps accepting and buffering with NATS down, so NATS is a
 * detail here, not a reason to be DOWN.
 */
@Singleton
public class EdgeHealthIndicator implements HealthIndicator {
    private final EdgeAgent agent;

    public EdgeHealthIndicator(EdgeAgent agent) {
        this.agent = agent;
    }

    @Override
    public Publisher<HealthResult> getResult() {
        boolean writable = Files.isWritable(agent.buffer().directory());
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("edgeId", agent.config().id());
        details.put("bufferWritable", writable);
        details.put("nats", agent.nats().state());
        if (agent.nats().connectedUrl() != null) {
            details.put("natsServer", agent.nats().connectedUrl());
        }
        details.put("forwarderRunning", agent.forwarder().isRunning());
        details.put("circuitBreaker", agent.forwarder().circuitState());
        details.put("stream", agent.forwarder().stream());
        if (agent.forwarder().payloadProblem() != null) {
            details.put("batchSize", agent.forwarder().payloadProblem());
        }
        details.put("lastSeq", agent.buffer().lastSeq());
        details.put("ackedSeq", agent.buffer().checkpointSeq());
        details.put("backlog", agent.buffer().backlog());
        if (!agent.scrapeTargets().isEmpty()) {
            details.put("scrape", agent.scrapeTargets());
        }
        if (!agent.scrapeFiles().isEmpty()) {
            details.put("scrapeFiles", agent.scrapeFiles());
        }
        HealthStatus status = writable ? HealthStatus.UP : HealthStatus.DOWN;
        return Publishers.just(
                HealthResult.builder("edge", status).details(details).build());
    }
}
