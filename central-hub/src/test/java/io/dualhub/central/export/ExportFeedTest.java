package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.Partition;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.Dispatcher;
import io.nats.client.JetStreamApiException;
import io.nats.client.Message;
import io.nats.client.Nats;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The export consumers are made sure of (created, or updated with the same settings) on the first connection and
 * again after every reconnect, as the ingest consumers are: an update has every node of the consumer's group run its
 * creation again, which brings the consumer back on a node that lost it. Watched on the wire: the JetStream API
 * requests that create a consumer.
 */
class ExportFeedTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @Test
    void theConsumersAreMadeSureOfOnceAndAgainAfterEveryReconnect() throws Exception {
        NATS.deleteStreams();
        List<String> creates = new CopyOnWriteArrayList<>();
        AtomicInteger reconnects = new AtomicInteger();
        try (NatsLink link = NatsLink.open(NatsSettings.custom(NATS.urls()).build(), "test-feed");
                Connection watcher = Nats.connect(NATS.urls())) {
            streamsWatched(link, watcher, ".CREATE.", "export-feed-test", creates);
            link.onReconnect(reconnects::incrementAndGet);
            ExportFeed feed = new ExportFeed(link, "export-feed-test", Partition.WHOLE, Duration.ofSeconds(30), 100);

            assertThat(feed.ready()).isTrue();
            assertThat(feed.ready()).isTrue();
            await("one create per metrics stream, not one per call")
                    .during(Duration.ofMillis(500))
                    .atMost(Duration.ofSeconds(5))
                    .until(() -> creates.size() == 2);

            link.forceReconnect();
            await("reconnected").atMost(Duration.ofSeconds(20)).until(() -> reconnects.get() == 1);
            await("made sure of again").atMost(Duration.ofSeconds(10)).until(() -> feed.ready() && creates.size() == 4);
            watcher.flush(Duration.ofSeconds(5));
            assertThat(creates).hasSize(4);
        }
    }

    /**
     * Fetches that bring messages read on the consumers they looked up before (looking one up asks the server for two
     * infos); a fetch that waited and got nothing looks them up again, so a consumer deleted meanwhile is noticed.
     */
    @Test
    void fetchesKeepTheirConsumersWhileMessagesComeAndLookThemUpAgainOnceNothingCame() throws Exception {
        NATS.deleteStreams();
        List<String> infos = new CopyOnWriteArrayList<>();
        try (NatsLink link = NatsLink.open(NatsSettings.custom(NATS.urls()).build(), "test-feed");
                Connection watcher = Nats.connect(NATS.urls())) {
            streamsWatched(link, watcher, ".INFO.", "export-feed-lookups", infos);
            ExportFeed feed = new ExportFeed(link, "export-feed-lookups", Partition.WHOLE, Duration.ofSeconds(30), 100);
            assertThat(feed.ready()).isTrue();
            for (int i = 0; i < 6; i++) {
                link.connection().jetStream().publish("dualhub.metrics.e1", new byte[] {(byte) i});
                link.connection().jetStream().publish("dualhub.metrics-b.e1", new byte[] {(byte) i});
            }

            for (int i = 0; i < 3; i++) {
                List<Message> got = feed.fetch(2, 1 << 20, Duration.ofSeconds(1));
                assertThat(got).hasSize(4);
                got.forEach(Message::ack);
            }
            watcher.flush(Duration.ofSeconds(5));
            await("one lookup a route, not one a fetch")
                    .during(Duration.ofMillis(300))
                    .atMost(Duration.ofSeconds(5))
                    .untilAsserted(() -> assertThat(infos).hasSize(2));

            assertThat(feed.fetch(2, 1 << 20, Duration.ofSeconds(1))).isEmpty();
            link.connection().jetStreamManagement().deleteConsumer("DUALHUB_METRICS", "export-feed-lookups");
            assertThat(catchThrowable(() -> feed.fetch(2, 1 << 20, Duration.ofSeconds(1))))
                    .as("the deleted consumer is noticed, so the exporter makes sure of it again")
                    .isInstanceOf(JetStreamApiException.class);
        }
    }

    /**
     * Sets up the metrics streams once {@code link} is connected, with {@code watcher} collecting into {@code into}
     * the subjects of the consumer API requests of {@code kind} ({@code .CREATE.}, {@code .INFO.}) for {@code durable}.
     */
    private static void streamsWatched(
            NatsLink link, Connection watcher, String kind, String durable, List<String> into) throws Exception {
        Dispatcher d = watcher.createDispatcher(m -> {
            if (m.getSubject().contains(kind) && m.getSubject().contains("." + durable)) {
                into.add(m.getSubject());
            }
        });
        d.subscribe("$JS.API.CONSUMER.>");
        watcher.flush(Duration.ofSeconds(5));
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        CentralConfig defaults = CentralConfig.load(null, Map.of());
        new StreamSetup(defaults.stream(), defaults.ingest(), Partition.WHOLE)
                .ensure(link.connection().jetStreamManagement(), "t");
    }
}
