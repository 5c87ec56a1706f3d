package io.dualhub.edge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.testkit.NatsFixture;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The forwarder against a real nats-server that is killed and restarted mid-stream: every batch ends up in the
 * stream exactly once (resends are absorbed by Nats-Msg-Id) and the checkpoint reaches the last sequence.
 */
class ForwarderTest {
    /** Makes a batch of one point larger than the smallest batch a buffer may cut, so small buffers can be built. */
    private static final String PAD = "x".repeat(BufferSettings.MIN_MAX_BATCH_BYTES);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void everyBatchReachesTheStreamOnceThroughANatsCrash() throws Exception {
        NatsSettings settings = settings();
        ForwarderConfig config = ForwarderConfig.custom()
                .window(32)
                .retry(Duration.ofMillis(50), 2, Duration.ofMillis(500))
                .breaker(50, Duration.ofSeconds(1))
                .build();
        try (NatsLink admin = NatsLink.open(settings, "test-admin")) {
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            JetStreamManagement jsm = admin.connection().jetStreamManagement();
            deleteStreamIfPresent(jsm);
            createStream(jsm);

            try (EdgeBuffer buffer = new EdgeBuffer(dir, "fwd", Clock.systemUTC(), BufferSettings.unbounded(1 << 20));
                    NatsLink link = NatsLink.open(settings, "test-forwarder");
                    Forwarder forwarder = new Forwarder(
                            buffer,
                            link,
                            "fwd",
                            config,
                            new SimpleMeterRegistry(),
                            Clock.systemUTC(),
                            System::nanoTime)) {
                forwarder.start();
                append(buffer, 1000);
                NATS.node(0).restart();
                append(buffer, 1000);
                await("checkpoint at the last batch")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> buffer.checkpointSeq() == 2000);
                assertThat(buffer.backlog()).isZero();
            }
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            Connection c = admin.connection();
            assertThat(c.jetStreamManagement()
                            .getStreamInfo(Subjects.METRICS_STREAM)
                            .getStreamState()
                            .getMsgCount())
                    .as("messages in the stream")
                    .isEqualTo(2000);
        }
    }

    @Test
    void breakerOpensWhileTheStreamIsMissingAndTheBacklogDrainsOnceItExists() throws Exception {
        NatsSettings settings = settings();
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .retry(Duration.ofMillis(10), 1.5, Duration.ofMillis(100))
                .breaker(50, Duration.ofMillis(500))
                .build();
        try (NatsLink admin = NatsLink.open(settings, "test-admin");
                EdgeBuffer buffer =
                        new EdgeBuffer(dir, "nostream", Clock.systemUTC(), BufferSettings.unbounded(1 << 20));
                NatsLink link = NatsLink.open(settings, "test-forwarder");
                Forwarder forwarder = new Forwarder(
                        buffer,
                        link,
                        "nostream",
                        config,
                        new SimpleMeterRegistry(),
                        Clock.systemUTC(),
                        System::nanoTime)) {
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            JetStreamManagement jsm = admin.connection().jetStreamManagement();
            deleteStreamIfPresent(jsm);
            forwarder.start();
            append(buffer, 50);
            await("breaker open: every publish finds no stream")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> forwarder.circuitState().equals("OPEN"));
            assertThat(buffer.checkpointSeq()).isZero();
            createStream(jsm);
            await("backlog drained").atMost(Duration.ofSeconds(30)).until(() -> buffer.checkpointSeq() == 50);
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> forwarder.circuitState().equals("CLOSED"));
        }
    }

    /**
     * A few failed publishes during a short outage, then the acks after it: without the failure run ending at the
     * first ack, 6 failures and 4 acks are 60 % of the breaker's window and it would open just as the stream is back.
     * The backoff doubles up to 2 s, so after the 6th failure the 10th (which would have the breaker judge an outage
     * of failures only) is more than 4 s away: time for the node to come back on a loaded machine (with 100 ms it was
     * reached once while the node restarted).
     */
    @Test
    void theAcksAfterAShortOutageDoNotOpenTheBreaker() throws Exception {
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .retry(Duration.ofMillis(10), 2.0, Duration.ofSeconds(2))
                .breaker(50, Duration.ofSeconds(60))
                .build();
        SimpleMeterRegistry meters = new SimpleMeterRegistry();
        try (Rig rig = startedRig("short", config, meters)) {
            EdgeBuffer buffer = rig.buffer();
            append(buffer, 1);
            await("first batch acked").atMost(Duration.ofSeconds(10)).until(() -> buffer.checkpointSeq() == 1);

            NATS.node(0).stop();
            append(buffer, 1);
            await("6 failed publishes")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> meters.counter("dualhub.edge.publish.failures").count() >= 6);
            assertThat(rig.forwarder().circuitState())
                    .as("fewer than 10 outcomes: not judged yet")
                    .isEqualTo("CLOSED");
            NATS.node(0).start();
            await().atMost(Duration.ofSeconds(10)).until(rig.link()::isConnected);
            append(buffer, 20);

            await("backlog drained").atMost(Duration.ofSeconds(30)).until(() -> buffer.checkpointSeq() == 22);
            assertThat(meters.counter("dualhub.edge.circuit.opened").count())
                    .as("times the breaker opened")
                    .isZero();
            assertThat(rig.forwarder().circuitState()).isEqualTo("CLOSED");
        }
    }

    /** After an outage long enough to open the breaker, the reconnect starts the probes: no waiting out the 60 s. */
    @Test
    void aReconnectEndsAnOpenBreakersWait() throws Exception {
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .publishTimeout(Duration.ofMillis(200))
                .retry(Duration.ofMillis(10), 1.5, Duration.ofMillis(50))
                .breaker(50, Duration.ofSeconds(60))
                .build();
        try (Rig rig = startedRig("long", config, new SimpleMeterRegistry())) {
            Forwarder forwarder = rig.forwarder();
            NATS.node(0).stop();
            append(rig.buffer(), 10);
            await("breaker open: every publish fails")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> forwarder.circuitState().equals("OPEN"));
            NATS.node(0).start();
            await("backlog drained well before the breaker's 60 s are up")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> rig.buffer().checkpointSeq() == 10);
            assertThat(forwarder.circuitState()).isEqualTo("CLOSED");
        }
    }

    /**
     * Caught up, the forwarder thread waits (a look a second at most, no turning every 50 ms on an idle agent); an
     * append or close wakes it at once.
     */
    @Test
    void aCaughtUpForwarderSleepsUntilAnAppendOrCloseWakesIt() throws Exception {
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .retry(Duration.ofMillis(10), 1.5, Duration.ofMillis(100))
                .breaker(50, Duration.ofSeconds(1))
                .build();
        try (Rig rig = startedRig("idle", config, new SimpleMeterRegistry())) {
            EdgeBuffer buffer = rig.buffer();
            append(buffer, 5);
            await("first batches acked").atMost(Duration.ofSeconds(10)).until(() -> buffer.checkpointSeq() == 5);
            Thread thread = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("forwarder-idle"))
                    .findFirst()
                    .orElseThrow();
            await("forwarder waiting")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
            append(buffer, 5);
            await("woken by the append").atMost(Duration.ofSeconds(10)).until(() -> buffer.checkpointSeq() == 10);
            await("caught up again")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> thread.getState() == Thread.State.TIMED_WAITING);
            rig.forwarder().close();
            assertThat(rig.forwarder().isRunning())
                    .as("close() woke the waiting thread and it ended")
                    .isFalse();
        }
    }

    /**
     * drop-oldest after a restart: the batches the run before it published, whose acks were lost with it, may be in
     * the stream; they are resent and never declared dropped, and the drop takes the oldest never published.
     */
    @Test
    void afterARestartDropOldestNeverDeclaresABatchAnEarlierRunPublished() throws Exception {
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .retry(Duration.ofMillis(10), 1.5, Duration.ofMillis(100))
                .breaker(50, Duration.ofSeconds(1))
                .build();
        try (NatsLink admin = NatsLink.open(settings(), "test-admin")) {
            recreateStream(admin);
            long batchBytes;
            try (EdgeBuffer probe = new EdgeBuffer(
                    dir.resolve("probe"), "restart", Clock.systemUTC(), BufferSettings.unbounded(1 << 20))) {
                append(probe, 1);
                batchBytes = probe.unackedBytes();
            }
            BufferSettings fourBatches = BufferSettings.from(BufferSettings.unbounded((int) batchBytes))
                    .maxBytes(4 * batchBytes)
                    .overflow(BufferSettings.Overflow.DROP_OLDEST)
                    .build();
            try (EdgeBuffer buffer = new EdgeBuffer(dir.resolve("edge"), "restart", Clock.systemUTC(), fourBatches)) {
                append(buffer, 10);
                buffer.markSent(5); // what the run before the restart had published when it was killed
                try (NatsLink link = NatsLink.open(settings(), "test-forwarder");
                        Forwarder forwarder = new Forwarder(
                                buffer,
                                link,
                                "restart",
                                config,
                                new SimpleMeterRegistry(),
                                Clock.systemUTC(),
                                System::nanoTime)) {
                    await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
                    forwarder.start();
                    await("every batch accounted for")
                            .atMost(Duration.ofSeconds(30))
                            .until(() -> buffer.checkpointSeq() == 10);
                }
            }
            List<Long> published = new ArrayList<>();
            List<long[]> declared = new ArrayList<>();
            JetStreamManagement jsm = admin.connection().jetStreamManagement();
            long last =
                    jsm.getStreamInfo(Subjects.METRICS_STREAM).getStreamState().getLastSequence();
            for (long seq = 1; seq <= last; seq++) {
                byte[] data = jsm.getMessage(Subjects.METRICS_STREAM, seq).getData();
                if ((data[0] & 0xff) == 0xD2) { // GapCodec's magic byte
                    GapDeclaration gap = GapCodec.decode(data);
                    declared.add(new long[] {gap.fromSeq(), gap.toSeq()});
                } else {
                    published.add(BatchCodec.decode(data).seq());
                }
            }
            assertThat(published).as("what the earlier run published is resent").contains(1L, 2L, 3L, 4L, 5L);
            assertThat(declared)
                    .as("something was dropped: ten batches in a buffer of four")
                    .isNotEmpty()
                    .allSatisfy(
                            range -> assertThat(range[0]).as("first dropped").isGreaterThan(5));
        }
    }

    /** An edge buffer and its forwarder on the shared server, with the admin connection that made their stream. */
    private record Rig(NatsLink admin, EdgeBuffer buffer, NatsLink link, Forwarder forwarder) implements AutoCloseable {
        @Override
        public void close() {
            forwarder.close();
            link.close();
            buffer.close();
            admin.close();
        }
    }

    /** A rig for edge {@code edgeId}: its metrics stream created afresh, its forwarder connected and started. */
    private Rig startedRig(String edgeId, ForwarderConfig config, MeterRegistry meters) throws Exception {
        NatsLink admin = NatsLink.open(settings(), "test-admin");
        recreateStream(admin);
        EdgeBuffer buffer = new EdgeBuffer(dir, edgeId, Clock.systemUTC(), BufferSettings.unbounded(1 << 20));
        NatsLink link = NatsLink.open(settings(), "test-forwarder");
        // Connected before the test breaks anything: a forwarder that never had a connection sends nothing to fail.
        await("forwarder's connection").atMost(Duration.ofSeconds(10)).until(link::isConnected);
        Forwarder forwarder = new Forwarder(buffer, link, edgeId, config, meters, Clock.systemUTC(), System::nanoTime);
        forwarder.start();
        return new Rig(admin, buffer, link, forwarder);
    }

    private static NatsSettings settings() {
        return NATS.quickSettings();
    }

    private static void recreateStream(NatsLink admin) throws Exception {
        await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
        JetStreamManagement jsm = admin.connection().jetStreamManagement();
        deleteStreamIfPresent(jsm);
        createStream(jsm);
    }

    private static void createStream(JetStreamManagement jsm) throws Exception {
        jsm.addStream(StreamConfiguration.builder()
                .name(Subjects.METRICS_STREAM)
                .subjects(Subjects.METRICS_WILDCARD)
                .storageType(StorageType.File)
                .duplicateWindow(Duration.ofMinutes(2))
                .build());
    }

    private static void deleteStreamIfPresent(JetStreamManagement jsm) throws Exception {
        if (jsm.getStreamNames().contains(Subjects.METRICS_STREAM)) {
            jsm.deleteStream(Subjects.METRICS_STREAM);
        }
    }

    private static void append(EdgeBuffer buffer, int batches) {
        for (int i = 0; i < batches; i++) {
            buffer.append(List.of(Point.of("m", Map.of("pad", PAD), i, i)));
        }
    }
}
