package io.dualhub.edge;

import io.dualhub.edge.config.EdgeConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the edge agent into the Micronaut context; the config record is registered by {@link EdgeMain}. */
@Factory
public class EdgeFactory {
    @Context
    @Bean(preDestroy = "close")
    EdgeAgent edgeAgent(EdgeConfig config, MeterRegistry meters, Clock clock) {
        EdgeAgent agent = new EdgeAgent(config, meters, clock);
        agent.start();
        return agent;
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
