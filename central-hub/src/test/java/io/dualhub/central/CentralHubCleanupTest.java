package io.dualhub.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.MetricStore;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.OpenFiles;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CentralHub that fails to come up after its store opened leaves the store closed: the process holds no file of the
 * data directory open. Both failures are real, no part is faked: a meter registry holding a gauge by the name of the
 * Ingestor's counter fails the construction after the store and the NATS link opened; a second start fails at the
 * analyzer, whose thread cannot start twice. No NATS server is needed (the link connects in the background).
 */
class CentralHubCleanupTest {
    @TempDir
    Path dir;

    private CentralConfig config() {
        return CentralConfig.load(
                null, Map.of("nats.servers", "nats://127.0.0.1:1", "data.dir", dir.toString(), "instance", "x"));
    }

    @BeforeEach
    void onLinux() {
        Assumptions.assumeTrue(OpenFiles.readable(), "needs /proc/self/fd");
    }

    @Test
    void anOpenStoreHoldsItsFileAndAClosedOneDoesNot() {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(OpenFiles.under(dir)).isNotEmpty();
        }
        assertThat(OpenFiles.under(dir)).isEmpty();
    }

    @Test
    void aConstructionFailingAfterTheStoreOpenedClosesIt() {
        MeterRegistry meters = new SimpleMeterRegistry();
        Gauge.builder("dualhub.central.points.stored", () -> 0).register(meters);

        assertThatThrownBy(() -> new CentralHub(config(), meters, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dualhub.central.points.stored");

        assertThat(OpenFiles.under(dir)).isEmpty();
    }

    @Test
    void aStartFailingAfterTheStoreOpenedClosesItAndNamesThePart() {
        CentralHub hub = new CentralHub(config(), new SimpleMeterRegistry(), Clock.systemUTC());
        hub.start();

        assertThatThrownBy(hub::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("central x: analyzer failed to start");

        Batch batch = new Batch("e", "", 1, 0, List.of(Point.of("m", Map.of(), 1, 1)));
        assertThatThrownBy(() -> hub.store().commit(List.of(batch))).hasMessageContaining("the store is closed");
        assertThat(OpenFiles.under(dir)).isEmpty();
    }
}
