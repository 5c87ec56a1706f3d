package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.NatsFixture;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A link opened while its server is down connects when the server comes: jnats then reports the first connection as
 * a reconnect, and the link must still take it as its first (its connection, the actions waiting for it).
 */
class NatsLinkTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @Test
    void aLinkOpenedBeforeItsServerIsUpConnectsAndRunsWhatWaitedForIt() {
        NatsSettings settings = NatsSettings.custom(NATS.urls())
                .connectTimeout(Duration.ofSeconds(1))
                .pingInterval(Duration.ofMillis(200))
                .reconnectWait(Duration.ofMillis(100))
                .build();
        NATS.node(0).stop();
        try (NatsLink link = NatsLink.open(settings, "early")) {
            AtomicInteger ran = new AtomicInteger();
            link.whenConnected(c -> ran.incrementAndGet());
            await().pollDelay(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> !link.isConnected());
            NATS.node(0).start();
            await("connected once the server is up")
                    .atMost(Duration.ofSeconds(20))
                    .until(link::isConnected);
            assertThat(link.connection()).isNotNull();
            assertThat(ran)
                    .as("the action that waited for the connection ran, once")
                    .hasValue(1);
        }
    }
}
