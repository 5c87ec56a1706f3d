package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.Test;

class NatsServerNodeTest {
    @Test
    void aNodeThatCannotStartSaysWhyFromItsLog() throws Exception {
        try (ServerSocket taken = new ServerSocket(FreePorts.next(), 1, InetAddress.getLoopbackAddress())) {
            NatsFixture fixture = NatsFixture.single("-p", Integer.toString(taken.getLocalPort()));
            try {
                Throwable failure = assertThrows(Throwable.class, fixture::start);
                String why = failure.getCause() == null
                        ? failure.getMessage()
                        : failure.getCause().getMessage();
                assertTrue(why.contains("address already in use"), why);
            } finally {
                fixture.close();
            }
        }
    }

    @Test
    void aNodeThatStaysUnhealthySaysWhatItsHealthCheckAnswers() {
        NatsFixture cluster = NatsFixture.cluster();
        try {
            cluster.start();
            NatsServerNode left = cluster.node(0);
            assertThat(left.healthReport()).startsWith("200 ");
            cluster.node(1).kill();
            cluster.node(2).kill();
            await("n1 without its peers fails its health check")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> !left.isReady());

            ConditionTimeoutException timeout =
                    assertThrows(ConditionTimeoutException.class, () -> left.awaitReady(Duration.ofSeconds(3)));

            assertThat(timeout.getMessage())
                    .contains("nats-server n1 ready")
                    .contains("/healthz answers 503 ")
                    .contains("JetStream")
                    .contains("nats-server.log ends:");
        } finally {
            cluster.close();
        }
    }
}
