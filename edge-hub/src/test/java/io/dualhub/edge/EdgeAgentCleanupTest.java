package io.dualhub.edge;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.testkit.OpenFiles;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An edge agent that fails to come up after its buffer opened leaves the buffer closed: the process holds no file of
 * the data directory open. Both failures are real, no part is faked: a meter registry holding a counter by the name
 * of the agent's backlog gauge fails the construction after the buffer and the NATS link opened; a second start
 * fails at the forwarder, whose thread cannot start twice. No NATS server is needed (the link connects in the
 * background).
 */
class EdgeAgentCleanupTest {
    @TempDir
    Path dir;

    private EdgeConfig config() {
        return EdgeConfig.load(
                null,
                Map.of(
                        "id",
                        "e1",
                        "nats.servers",
                        "nats://127.0.0.1:1",
                        "data.dir",
                        dir.toString(),
                        "collect.enabled",
                        "false"));
    }

    @BeforeEach
    void onLinux() {
        Assumptions.assumeTrue(OpenFiles.readable(), "needs /proc/self/fd");
    }

    /** Chronicle Queue lets go of its mapped files on its background releaser thread, soon after the close. */
    private void assertNoFileOpen() {
        await().atMost(Duration.ofSeconds(10))
                .untilAsserted(() -> assertThat(OpenFiles.under(dir)).isEmpty());
    }

    @Test
    void aStartedAgentHoldsItsBufferAndAClosedOneDoesNot() {
        try (EdgeAgent agent = new EdgeAgent(config(), new SimpleMeterRegistry(), Clock.systemUTC())) {
            agent.start();
            assertThat(OpenFiles.under(dir)).isNotEmpty();
        }
        assertNoFileOpen();
    }

    @Test
    void aConstructionFailingAfterTheBufferOpenedClosesIt() {
        MeterRegistry meters = new SimpleMeterRegistry();
        Counter.builder("dualhub.edge.backlog.bytes").register(meters);

        assertThatThrownBy(() -> new EdgeAgent(config(), meters, Clock.systemUTC()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("dualhub.edge.backlog.bytes");

        assertNoFileOpen();
    }

    @Test
    void aStartFailingAfterTheBufferOpenedClosesItAndNamesThePart() {
        EdgeAgent agent = new EdgeAgent(config(), new SimpleMeterRegistry(), Clock.systemUTC());
        agent.start();

        assertThatThrownBy(agent::start)
                .isInstanceOf(IllegalStateException.class)
                .hasMessageStartingWith("edge e1: forwarder failed to start");

        assertNoFileOpen();
    }
}
