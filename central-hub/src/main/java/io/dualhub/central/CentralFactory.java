package io.dualhub.central;

import io.dualhub.central.config.CentralConfig;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.annotation.Bean;
import io.micronaut.context.annotation.Context;
import io.micronaut.context.annotation.Factory;
import jakarta.inject.Singleton;
import java.time.Clock;

/** Wires the CentralHub into the Micronaut context; the config record is registered by {@link CentralMain}. */
@Factory
public class CentralFactory {
    @Context
    @Bean(preDestroy = "close")
    CentralHub centralHub(CentralConfig config, MeterRegistry meters, Clock clock) {
        CentralHub hub = new CentralHub(config, meters, clock);
        hub.start();
        return hub;
    }

    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }
}
