package io.dualhub.edge.forward;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.EdgeMessage;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.testkit.NatsFixture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.MessageInfo;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
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
 * A NATS server that takes smaller messages than the edge's batches (max_payload 16 KiB, batches cut at 64 KiB): a
 * batch buffered before the forwarder knew is declared instead of being retried forever (it would stop the edge for
 * good), and every later batch is cut to fit. The checkpoint reaches the end; nothing waits.
 */
class ForwarderMaxPayloadTest {
    private static final int MAX_PAYLOAD = 16 * 1024;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single("-c", config().toString());

    @TempDir
    Path dir;

    @Test
    void aBatchTheServerWillNeverTakeIsDeclaredAndLaterBatchesAreCutToFit() throws Exception {
        ForwarderConfig config = ForwarderConfig.custom()
                .window(8)
                .retry(Duration.ofMillis(10), 1.5, Duration.ofMillis(100))
                .breaker(50, Duration.ofSeconds(1))
                .build();
        NatsSettings settings = NATS.quickSettings();
        try (NatsLink admin = NatsLink.open(settings, "test-admin");
                EdgeBuffer buffer = new EdgeBuffer(dir, "big", Clock.systemUTC(), BufferSettings.unbounded(64 * 1024));
                NatsLink link = NatsLink.open(settings, "test-forwarder")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> admin.isConnected() && link.isConnected());
            JetStreamManagement jsm = admin.connection().jetStreamManagement();
            jsm.addStream(StreamConfiguration.builder()
                    .name(Subjects.METRICS_STREAM)
                    .subjects(Subjects.METRICS_WILDCARD)
                    .storageType(StorageType.File)
                    .build());
            buffer.append(points(800)); // about 20 KB encoded: one batch, cut at 64 KiB before the server was known
            assertThat(buffer.lastSeq()).isEqualTo(1);
            SimpleMeterRegistry meters = new SimpleMeterRegistry();
            try (Forwarder forwarder =
                    new Forwarder(buffer, link, "big", config, meters, Clock.systemUTC(), System::nanoTime)) {
                forwarder.start();
                await("the oversized batch declared")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> buffer.checkpointSeq() == 1);
                assertThat(forwarder.payloadProblem()).contains("buffer.max-batch-bytes", "max_payload");
                buffer.append(points(1000));
                long last = buffer.lastSeq();
                assertThat(last).as("cut to fit the server").isGreaterThan(3);
                await("every later batch stored")
                        .atMost(Duration.ofSeconds(10))
                        .until(() -> buffer.checkpointSeq() == last);
                assertThat(meters.counter("dualhub.edge.publish.failures").count())
                        .as("nothing retried")
                        .isZero();
            }
            MessageInfo first = jsm.getMessage(Subjects.METRICS_STREAM, 1);
            EdgeMessage declared = EdgeMessage.decode(first.getData());
            assertThat(declared).isInstanceOfSatisfying(GapDeclaration.class, g -> {
                assertThat(g.reason()).isEqualTo(GapDeclaration.Reason.TOO_LARGE);
                assertThat(g.fromSeq()).isEqualTo(1);
                assertThat(g.points()).isEqualTo(800);
            });
        }
    }

    private static List<Point> points(int n) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            points.add(Point.of("m", Map.of("series", "s" + i), i, i));
        }
        return points;
    }

    private static Path config() {
        try {
            Path file = Files.createTempFile("dualhub-nats-small-payload-", ".conf");
            Files.writeString(file, "max_payload: " + MAX_PAYLOAD + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
