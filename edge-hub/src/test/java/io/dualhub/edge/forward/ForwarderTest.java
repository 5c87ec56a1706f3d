package io.dualhub.edge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.chaos.harness.NatsFixture;
import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
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
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void everyBatchReachesTheStreamOnceThroughANatsCrash() throws Exception {
        NatsSettings settings = new NatsSettings(List.of(NATS.urls()), Duration.ofSeconds(1), Duration.ofMillis(500),
                2, Duration.ofMillis(100), Duration.ofMillis(100));
        ForwarderConfig config = new ForwarderConfig(32, Duration.ofSeconds(1), Duration.ofMillis(50), 2, 0.5,
                Duration.ofMillis(500));
        try (NatsLink admin = NatsLink.open(settings, "test-admin")) {
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            JetStreamManagement jsm = admin.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder().name(Subjects.METRICS_STREAM)
                    .subjects(Subjects.METRICS_WILDCARD).storageType(StorageType.File)
                    .duplicateWindow(Duration.ofMinutes(2)).build());

            try (EdgeBuffer buffer = new EdgeBuffer(dir, "fwd", Clock.systemUTC(), false);
                 NatsLink link = NatsLink.open(settings, "test-forwarder");
                 Forwarder forwarder = new Forwarder(buffer, link, "fwd", config, new SimpleMeterRegistry(),
                         System::nanoTime)) {
                forwarder.start();
                append(buffer, 1000);
                NATS.node(0).restart();
                append(buffer, 1000);
                await("checkpoint at the last batch").atMost(Duration.ofSeconds(60))
                        .until(() -> buffer.checkpointSeq() == 2000);
                assertThat(buffer.backlog()).isZero();
            }
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            Connection c = admin.connection();
            assertThat(c.jetStreamManagement().getStreamInfo(Subjects.METRICS_STREAM).getStreamState().getMsgCount())
                    .as("messages in the stream").isEqualTo(2000);
        }
    }

    private static void append(EdgeBuffer buffer, int batches) {
        for (int i = 0; i < batches; i++) {
            buffer.append(List.of(Point.of("m", Map.of(), i, i)), 1 << 20);
        }
    }
}
