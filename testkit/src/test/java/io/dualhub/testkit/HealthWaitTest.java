package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Waiting for a started process to answer on {@code /health} stops as soon as the process has exited, naming its
 * log, instead of polling a port nobody will ever open until the wait runs out.
 */
class HealthWaitTest {
    @TempDir
    Path dir;

    @Test
    void aProcessThatExitsDuringStartUpIsReportedWithItsLog() throws Exception {
        Path log = dir.resolve("exits.log");
        OsProcess exits = OsProcess.start("exits", List.of("sh", "-c", "exit 3"), log);
        exits.awaitExit(Duration.ofSeconds(10));
        URI health = URI.create("http://127.0.0.1:" + FreePorts.next() + "/health");

        assertThatThrownBy(() -> HubProcess.awaitHealthy("exits", exits, health))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("exits exited during start-up")
                .hasMessageContaining(log.toString());
    }
}
