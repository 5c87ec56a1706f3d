package io.dualhub.central.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.RestorePoint;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import io.nats.client.PurgeOptions;
import io.nats.client.api.ConsumerConfiguration;
import io.nats.client.api.StreamConfiguration;
import io.nats.client.api.StreamInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class StreamSetupTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @BeforeEach
    void deleteStreams() {
        NATS.deleteStreams();
    }

    @Test
    void createsStreamsAndConsumerIdempotentlyAndRefusesToChangeAConflictingStream() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup setup = new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE);
        try (Connection c = Nats.connect(NATS.urls())) {
            JetStreamManagement jsm = c.jetStreamManagement();
            setup.ensure(jsm, "a");
            setup.ensure(jsm, "a");
            setup.ensure(jsm, "b");
            StreamConfiguration metrics =
                    jsm.getStreamInfo(Subjects.METRICS_STREAM).getConfiguration();
            assertThat(metrics.getDuplicateWindow()).isEqualTo(Duration.ofMinutes(2));
            assertThat(metrics.getMaxAge()).isEqualTo(Duration.ofDays(7));
            assertThat(jsm.getConsumerNames(Subjects.METRICS_STREAM))
                    .containsExactlyInAnyOrder("central-a", "central-b");
            assertThat(jsm.getStreamNames()).contains(Subjects.EVENTS_STREAM);

            CentralConfig other = CentralConfig.load(null, Map.of("stream.max-age", "1d"));
            assertThatThrownBy(() -> new StreamSetup(other.stream(), other.ingest(), Partition.WHOLE).ensure(jsm, "a"))
                    .isInstanceOf(StreamConflictException.class)
                    .hasMessageContaining("stream DUALHUB_METRICS exists with a different configuration")
                    .hasMessageContaining("max age is PT168H, dualhub wants PT24H");
            assertThat(jsm.getStreamInfo(Subjects.METRICS_STREAM)
                            .getConfiguration()
                            .getMaxAge())
                    .as("unchanged")
                    .isEqualTo(Duration.ofDays(7));
        }
    }

    /**
     * A hub restored from a backup: its consumers start at the restore point (wherever they stood before), setting up
     * again later keeps that start (JetStream refuses to change it), and a restore point the stream has aged past is
     * said so.
     */
    @Test
    void consumersMoveToARestorePointAndKeepItsStart() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup setup = new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE);
        try (Connection c = Nats.connect(NATS.urls())) {
            JetStreamManagement jsm = c.jetStreamManagement();
            setup.ensure(jsm, "r");
            for (int i = 0; i < 10; i++) {
                c.jetStream().publish(Subjects.metrics("e1"), new byte[] {(byte) i});
            }
            String primary = MetricsRoute.PRIMARY.stream();
            assertThat(setup.nextUnacknowledged(jsm, "r")).containsEntry(primary, 1L);
            JetStreamSubscription sub = c.jetStream()
                    .subscribe(
                            Subjects.METRICS_WILDCARD,
                            PullSubscribeOptions.bind(primary, Subjects.centralConsumer("r")));
            for (Message m : sub.fetch(3, Duration.ofSeconds(5))) {
                m.ack();
            }
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> setup.nextUnacknowledged(jsm, "r").get(primary) == 4L);
            sub.unsubscribe();

            List<String> warnings = setup.moveTo(jsm, "r", new RestorePoint("src", 0, Map.of(primary, 4L)));
            assertThat(warnings).isEmpty();
            assertThat(jsm.getConsumerInfo(primary, "central-r").getNumPending())
                    .isEqualTo(7);
            setup.ensure(jsm, "r");
            assertThat(jsm.getConsumerInfo(primary, "central-r")
                            .getConsumerConfiguration()
                            .getStartSequence())
                    .isEqualTo(4);

            jsm.purgeStream(primary, PurgeOptions.builder().sequence(6).build());
            assertThat(setup.moveTo(jsm, "r", new RestorePoint("src", 0, Map.of(primary, 4L))))
                    .singleElement()
                    .asString()
                    .contains("messages 4..5 are gone");
            assertThat(setup.moveTo(jsm, "r", new RestorePoint("src", 0, Map.of(primary, 40L))))
                    .singleElement()
                    .asString()
                    .contains("made anew since the backup");
            assertThat(jsm.getConsumerInfo(primary, "central-r")
                            .getConsumerConfiguration()
                            .getStartSequence())
                    .isEqualTo(1);
        }
    }

    /** A hub upgraded to one with ingest.max-deliver finds its consumer made without it and sets it in place. */
    @Test
    void aConsumerMadeBeforeMaxDeliverExistedIsUpdatedInPlace() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup setup = new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE);
        try (Connection c = Nats.connect(NATS.urls())) {
            JetStreamManagement jsm = c.jetStreamManagement();
            setup.ensure(jsm, "old");
            for (MetricsRoute route : MetricsRoute.values()) {
                jsm.addOrUpdateConsumer(
                        route.stream(),
                        ConsumerConfiguration.builder(setup.consumer(route, "old"))
                                .maxDeliver(-1)
                                .build());
                assertThat(jsm.getConsumerInfo(route.stream(), "central-old")
                                .getConsumerConfiguration()
                                .getMaxDeliver())
                        .isEqualTo(-1);
            }
            setup.ensure(jsm, "old");
            for (MetricsRoute route : MetricsRoute.values()) {
                assertThat(jsm.getConsumerInfo(route.stream(), "central-old")
                                .getConsumerConfiguration()
                                .getMaxDeliver())
                        .isEqualTo(200);
            }
        }
    }

    /** An events stream an older hub made (edges' subjects only) gets the lifecycle subject added, nothing else. */
    @Test
    void anEventsStreamWithoutTheLifecycleSubjectIsMigratedInPlace() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup setup = new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE);
        try (Connection c = Nats.connect(NATS.urls())) {
            JetStreamManagement jsm = c.jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder(setup.eventsStream())
                    .subjects(Subjects.EVENTS_WILDCARD)
                    .build());
            c.jetStream().publish("dualhub.events.e1.heartbeat", "{}".getBytes());
            setup.ensure(jsm, "m");
            StreamInfo events = jsm.getStreamInfo(Subjects.EVENTS_STREAM);
            assertThat(events.getConfiguration().getSubjects())
                    .containsExactlyInAnyOrder(Subjects.EVENTS_WILDCARD, Subjects.LIFECYCLE_WILDCARD);
            assertThat(events.getStreamState().getMsgCount())
                    .as("what it held is kept")
                    .isEqualTo(1);
        }
    }
}
