package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.MetricsRoute;
import io.nats.client.FetchConsumer;
import io.nats.client.Message;
import io.nats.client.OrderedConsumerContext;
import io.nats.client.impl.NatsJetStreamMetaData;
import io.nats.client.impl.NatsMessage;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * When a replay's route is read out. Its ordered consumers are scripted here: what a fetch brings after a stream
 * changed leader cannot be made to happen on demand with a real server.
 */
class ExportReplayTest {
    private final List<Duration> pauses = new ArrayList<>(); // the replay's waits, taken at once
    /**
     * An ordered consumer made just after its stream changed leader answered empty for a moment; the replay took that
     * for the route's end and a batch that only the replay would have brought was given up.
     */
    @Test
    void aRouteThatAnswersEmptyAtFirstIsFetchedAgainUntilItsMessagesCome() throws Exception {
        Message first = message(11, 1);
        Message second = message(12, 0);
        ExportFeed.Replay replay = new ExportFeed.Replay(List.of(
                new ExportFeed.Replay.Route(
                        MetricsRoute.PRIMARY, scripted(List.of(), List.of(), List.of(first, second)), 20),
                new ExportFeed.Replay.Route(MetricsRoute.SECONDARY, scripted(), 7)));

        assertThat(replay.next(100, 1 << 20, pauses::add)).containsExactly(first, second);
        assertThat(replay.next(100, 1 << 20, pauses::add))
                .as("read out: the primary's last message had none pending, the secondary never answered")
                .isEmpty();
        assertThat(pauses)
                .as("a pause before each fetch again of a route that answered empty")
                .isNotEmpty()
                .allMatch(ExportFeed.Replay.EMPTY_FETCH_PAUSE::equals);
    }

    @Test
    void aRouteEndsAtTheMessageWhereItsDurableConsumerStood() throws Exception {
        Message kept = message(5, 3);
        Message after = message(6, 2);
        ExportFeed.Replay replay = new ExportFeed.Replay(
                List.of(new ExportFeed.Replay.Route(MetricsRoute.PRIMARY, scripted(List.of(kept, after)), 5)));

        assertThat(replay.next(100, 1 << 20, pauses::add)).containsExactly(kept);
        assertThat(replay.next(100, 1 << 20, pauses::add)).isEmpty();
    }

    /** An ordered consumer whose fetches bring {@code fetches} in turn, and nothing after them. */
    @SafeVarargs
    private static OrderedConsumerContext scripted(List<Message>... fetches) {
        Deque<List<Message>> left = new ArrayDeque<>(List.of(fetches));
        return (OrderedConsumerContext) Proxy.newProxyInstance(
                OrderedConsumerContext.class.getClassLoader(),
                new Class<?>[] {OrderedConsumerContext.class},
                (proxy, method, args) -> {
                    if (!method.getName().equals("fetch")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return fetchOf(left.isEmpty() ? List.of() : left.poll());
                });
    }

    private static FetchConsumer fetchOf(List<Message> messages) {
        Deque<Message> left = new ArrayDeque<>(messages);
        return (FetchConsumer) Proxy.newProxyInstance(
                FetchConsumer.class.getClassLoader(), new Class<?>[] {FetchConsumer.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "nextMessage":
                            return left.poll();
                        case "close":
                            return null;
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }

    /** A message of stream sequence {@code seq} with {@code pending} more after it for its consumer. */
    private static Message message(long seq, long pending) {
        NatsMessage delivered =
                new NatsMessage(
                        "dualhub.metrics.e1",
                        "$JS.ACK.DUALHUB_METRICS.replay.1." + seq + "." + seq + ".1796651428708000000." + pending,
                        new byte[0]) {
                    @Override
                    public boolean isJetStream() {
                        return true; // as a message a consumer delivered is
                    }
                };
        NatsJetStreamMetaData meta = new NatsJetStreamMetaData(delivered);
        return (Message) Proxy.newProxyInstance(
                Message.class.getClassLoader(), new Class<?>[] {Message.class}, (proxy, method, args) -> {
                    switch (method.getName()) {
                        case "metaData":
                            return meta;
                        case "toString":
                            return "message " + seq;
                        case "hashCode":
                            return System.identityHashCode(proxy);
                        case "equals":
                            return proxy == args[0];
                        default:
                            throw new UnsupportedOperationException(method.getName());
                    }
                });
    }
}
