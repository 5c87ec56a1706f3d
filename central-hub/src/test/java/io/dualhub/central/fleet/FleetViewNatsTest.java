package io.dualhub.central.fleet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.rejection.Rejections;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.testkit.NatsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.time.Clock;
import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Against a real server: live heartbeats arrive with no stream at all (liveness never waits for stream setup), and
 * a replay reads the last heartbeat of each edge from the events stream and leaves no consumer behind.
 */
class FleetViewNatsTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    private final NatsSettings settings = NATS.quickSettings();

    @BeforeEach
    void noStreams() throws Exception {
        try (NatsLink link = NatsLink.open(settings, "cleaner")) {
            await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
            NatsFixture.deleteStreams(link.connection());
        }
    }

    private static FleetView fleet() {
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        return new FleetView(
                new Rejections("t", meters, a -> {}, Clock.systemUTC(), System::nanoTime),
                Clock.systemUTC(),
                Partition.WHOLE);
    }

    private static byte[] heartbeat(String edge, long lastSeq) {
        return EventCodec.encode(new Heartbeat(
                edge,
                "dev",
                System.currentTimeMillis(),
                0,
                lastSeq,
                lastSeq,
                "host",
                "a1",
                "CLOSED",
                0,
                "Linux",
                null));
    }

    @Test
    void liveHeartbeatsArriveWithoutAnyStream() throws Exception {
        FleetView fleet = fleet();
        try (NatsLink hub = NatsLink.open(settings, "hub");
                NatsLink edge = NatsLink.open(settings, "edge")) {
            fleet.start(hub);
            await().atMost(Duration.ofSeconds(10)).until(() -> hub.isConnected() && edge.isConnected());
            hub.connection().flush(Duration.ofSeconds(5));
            edge.connection().publish(Subjects.heartbeat("e1"), heartbeat("e1", 7));
            await("seen without a stream").atMost(Duration.ofSeconds(5)).until(() -> fleet.seen("e1") != null);
            assertThat(fleet.seen("e1").heartbeat().lastAckedSeq()).isEqualTo(7);
        }
    }

    @Test
    void aReplayReadsTheLastHeartbeatOfEachEdgeAndLeavesNoConsumer() throws Exception {
        try (NatsLink link = NatsLink.open(settings, "hub")) {
            await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
            Connection c = link.connection();
            c.jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(Subjects.EVENTS_STREAM)
                            .subjects(Subjects.EVENTS_WILDCARD)
                            .storageType(StorageType.File)
                            .build());
            for (long seq = 1; seq <= 3; seq++) {
                c.jetStream().publish(Subjects.heartbeat("e1"), heartbeat("e1", seq));
            }
            c.jetStream().publish(Subjects.heartbeat("e2"), heartbeat("e2", 40));
            FleetView fleet = fleet();
            fleet.replay(c);
            assertThat(fleet.seen("e1").heartbeat().lastAckedSeq()).isEqualTo(3);
            assertThat(fleet.seen("e2").heartbeat().lastAckedSeq()).isEqualTo(40);
            assertThat(fleet.seen("e1").streamSeq()).as("ordered by the stream").isEqualTo(3);
            assertThat(c.jetStreamManagement().getConsumerNames(Subjects.EVENTS_STREAM))
                    .isEmpty();
        }
    }
}
