package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.JetStreamSubscription;
import io.nats.client.support.Status;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The stalls jnats reports only to its error listener reach the log, named, and once a minute at most. */
class LinkErrorsTest {
    private final List<String> lines = new ArrayList<>();
    private final LinkErrors listener = new LinkErrors(new RepeatedErrors("central-1", lines::add, () -> 0L));

    @Test
    void aPullThatMissedItsHeartbeatsIsLoggedWithItsConsumerOnce() {
        listener.heartbeatAlarm(null, subscription("central-central-1"), 41, 40);
        listener.heartbeatAlarm(null, subscription("central-central-1"), 41, 40);

        assertThat(lines)
                .singleElement()
                .asString()
                .contains("central-1: NATS error:", "central-central-1", "missed its idle heartbeats", "pulling again");
    }

    @Test
    void aPullEndedByAnErrorStatusAndASlowConsumerAreLogged() {
        listener.pullStatusError(null, subscription("export-x"), new Status(409, "Consumer Deleted"));
        listener.slowConsumerDetected(null, null);

        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).contains("export-x", "409 Consumer Deleted");
        assertThat(lines.get(1)).contains("slow consumer", "ack wait");
    }

    private static JetStreamSubscription subscription(String consumer) {
        return (JetStreamSubscription) Proxy.newProxyInstance(
                JetStreamSubscription.class.getClassLoader(),
                new Class<?>[] {JetStreamSubscription.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("getConsumerName")) {
                        return consumer;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
