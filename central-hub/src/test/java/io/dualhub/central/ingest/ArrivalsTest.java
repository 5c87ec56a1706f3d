package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.nats.client.Message;
import io.nats.client.impl.NatsMessage;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The hand-off holds at most its byte budget: a put beyond it waits for a take, or gives up once closing. */
class ArrivalsTest {
    private static Message message(int bytes) {
        return new NatsMessage("dualhub.metrics.e", null, new byte[bytes]);
    }

    @Test
    void aPutBeyondTheBudgetWaitsForATake() throws Exception {
        Arrivals arrivals = new Arrivals(100);
        assertThat(arrivals.put(message(60), () -> true)).isTrue();
        CompletableFuture<Boolean> second = CompletableFuture.supplyAsync(() -> {
            try {
                return arrivals.put(message(60), () -> true);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        assertThat(second).as("60 + 60 bytes are over the budget of 100").isNotDone();
        assertThat(arrivals.take(Duration.ofSeconds(1), 10)).hasSize(1);
        assertThat(second.get(10, TimeUnit.SECONDS)).isTrue();
        assertThat(arrivals.take(Duration.ofSeconds(1), 10)).hasSize(1);
        assertThat(arrivals.take(Duration.ofMillis(10), 10)).isEmpty();
    }

    @Test
    void aPutGivesUpOnceClosingAndAMessageOverTheBudgetStillFits() throws Exception {
        Arrivals arrivals = new Arrivals(100);
        assertThat(arrivals.put(message(500), () -> true))
                .as("larger than the budget: takes all of it")
                .isTrue();
        assertThat(arrivals.put(message(1), () -> false)).isFalse();
        List<Arrival> taken = arrivals.take(Duration.ofSeconds(1), 10);
        assertThat(taken).hasSize(1);
        assertThat(taken.get(0).message().getData()).hasSize(500);
    }

    @Test
    void takeStopsAtItsMaximumInOrder() throws Exception {
        Arrivals arrivals = new Arrivals(1000);
        for (int i = 1; i <= 5; i++) {
            arrivals.put(message(i), () -> true);
        }
        assertThat(arrivals.take(Duration.ZERO, 3))
                .extracting(a -> a.message().getData().length)
                .containsExactly(1, 2, 3);
        assertThat(arrivals.take(Duration.ZERO, 3))
                .extracting(a -> a.message().getData().length)
                .containsExactly(4, 5);
    }
}
