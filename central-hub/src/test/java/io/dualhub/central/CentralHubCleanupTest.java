package io.dualhub.central;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.MetricStore;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CentralHub that fails to come up after its store opened leaves the store closed: the process holds no file of the
 * data directory open (read from Linux's /proc/self/fd; DuckDB lets a second store open a file one JVM holds already,
 * so opening it again proves nothing). Both failures are real, no part is faked: a meter
 * registry holding a gauge by the name of the Ingestor's counter fails the construction after the store and the NATS
 * link opened; a second start fails at the analyzer, whose thread cannot start twice. No NATS server is needed (the
 * link connects in the background).
 */
class CentralHubCleanupTest {
    private static final Path FDS = Path.of("/proc/self/fd");

    @TempDir
    Path dir;

    private CentralConfig config() {
        return CentralConfig.load(
                null, Map.of("nats.servers", "nats://127.0.0.1:1", "data.dir", dir.toString(), "instance", "x"));
    }

    @BeforeEach
    void onLinux() {
        Assumptions.assumeTrue(Files.isDirectory(FDS), "needs /proc/self/fd");
    }

    /** The files under the data directory this process has open now. */
    private List<Path> openFiles() throws IOException {
        Path data = dir.toRealPath();
        List<Path> open = new ArrayList<>();
        try (Stream<Path> fds = Files.list(FDS)) {
            for (Path fd : fds.toList()) {
                try {
                    Path file = Files.readSymbolicLink(fd);
                    if (file.startsWith(data)) {
                        open.add(file);
                    }
                } catch (IOException closedMeanwhile) { // the listing's own descriptor, gone once listed
                }
            }
        }
        return open;
    }

    @Test
    void anOpenStoreHoldsItsFileAndAClosedOneDoesNot() throws IOException {
        try (MetricStore store = new MetricStore(dir, Clock.systemUTC())) {
            assertThat(openFiles()).isNotEmpty();
        }
        assertThat(openFiles()).isEmpty();
    }

    @Test
    void aConstructionFailingAfterTheStoreOpenedClosesIt() throws IOException {
        MeterRegistry meters = new SimpleMeterRegistry();
        Gauge.builder("dualhub.central.points.stored", () -> 0).register(meters);

        assertThatThrownBy(() -> new CentralHub(config(), meters, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dualhub.central.points.stored");

        assertThat(openFiles()).isEmpty();
    }

    @Test
    void aStartFailingAfterTheStoreOpenedClosesItAndNamesThePart() throws IOException {
        CentralHub hub = new CentralHub(config(), new SimpleMeterRegistry(), Clock.systemUTC());
        hub.start();

        assertThatThrownBy(hub::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("central x: analyzer failed to start");

        Batch batch = new Batch("e", "", 1, 0, List.of(Point.of("m", Map.of(), 1, 1)));
        assertThatThrownBy(() -> hub.store().commit(List.of(batch))).hasMessageContaining("the store is closed");
        assertThat(openFiles()).isEmpty();
    }
}
