package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A node that runs but never passes its health check (here: stopped with SIGSTOP and left so) is restarted by
 * {@link NatsFixture#startAllMending}, which says so; a healthy cluster is left alone.
 */
class NatsFixtureMendTest {
    @Test
    void aNodeThatRunsButIsNeverReadyIsRestartedAndReported() {
        NatsFixture nats = NatsFixture.cluster();
        try {
            nats.start();
            assertThat(nats.startAllMending(Duration.ofSeconds(3))).isEmpty();
            NatsServerNode stuck = nats.node(1);
            long pid = stuck.pid();
            stuck.pause();
            assertThat(stuck.isReady()).isFalse();

            assertThat(nats.startAllMending(Duration.ofSeconds(3)))
                    .containsExactly("node " + stuck.name() + " not ready 3 s after the fault: restarted");
            assertThat(stuck.pid()).as("a new process").isNotEqualTo(pid);
            assertThat(nats.nodes()).allMatch(NatsServerNode::isReady);
        } finally {
            nats.close();
        }
    }
}
