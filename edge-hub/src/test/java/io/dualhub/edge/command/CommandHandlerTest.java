package io.dualhub.edge.command;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.Subjects;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.buffer.BufferedBatch;
import io.dualhub.edge.buffer.EdgeBuffer;
import io.dualhub.testkit.MutableClock;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Message;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Resend requests against a real NATS server: a request republishes at most {@code resend.max-bytes}, each requester
 * at most {@code resend.max-bytes-per-minute}, and what one requester used does not limit another.
 */
class CommandHandlerTest {
    private static final int BATCHES = 40;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final MutableClock clock = new MutableClock(Instant.parse("2026-12-01T10:00:00Z"));
    private final NatsSettings settings = NATS.quickSettings();

    @BeforeEach
    void freshStream() throws Exception {
        try (NatsLink admin = NatsLink.open(settings, "test-admin")) {
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            NatsFixture.deleteStreams(admin.connection());
            admin.connection()
                    .jetStreamManagement()
                    .addStream(StreamConfiguration.builder()
                            .name(Subjects.METRICS_STREAM)
                            .subjects(Subjects.METRICS_WILDCARD)
                            .storageType(StorageType.File)
                            .build());
        }
    }

    @Test
    void aResendStopsAtItsBytesAndEachRequesterAtItsBudget() throws Exception {
        try (EdgeBuffer buffer = new EdgeBuffer(dir, "e1", clock, BufferSettings.unbounded(64 * 1024));
                NatsLink edge = NatsLink.open(settings, "test-edge");
                NatsLink hubA = NatsLink.open(settings, "test-hub-a");
                NatsLink hubB = NatsLink.open(settings, "test-hub-b")) {
            List<Long> sizes = appendAndAcknowledge(buffer);
            long batch = sizes.get(0);
            // A request takes 10 batches at most, a requester 25 a minute, in flight 2 at once.
            ResendSettings bounds = ResendSettings.custom()
                    .maxBytes(10 * batch)
                    .maxInFlightBytes(2 * batch)
                    .bytesPerMinute(25 * batch)
                    .build();
            new CommandHandler("e1", buffer, edge, clock, bounds).start();
            await().atMost(Duration.ofSeconds(10))
                    .until(() -> edge.isConnected() && hubA.isConnected() && hubB.isConnected());

            String inc = buffer.incarnation();
            assertThat(ask(hubA, ResendRequest.of(inc, 1, BATCHES, "a1")).resent())
                    .isEqualTo(10);
            assertThat(resentSeqs("a1")).as("the first 10 only").containsExactly(seqs(1, 10));
            assertThat(ask(hubA, ResendRequest.of(inc, 11, BATCHES, "a2")).resent())
                    .isEqualTo(10);
            assertThat(ask(hubA, ResendRequest.of(inc, 21, BATCHES, "a3")).resent())
                    .as("what is left of A's budget")
                    .isEqualTo(5);
            ResendResult refused = ask(hubA, ResendRequest.of(inc, 26, BATCHES, "a4"));
            assertThat(refused.resent()).isZero();
            assertThat(refused.error()).contains("resend.max-bytes-per-minute").contains("ask again in");
            assertThat(resentSeqs("a4")).isEmpty();

            assertThat(ask(hubB, ResendRequest.of(inc, 26, BATCHES, "b1")).resent())
                    .as("another requester has a budget of its own")
                    .isEqualTo(10);
            assertThat(resentSeqs("b1")).containsExactly(seqs(26, 35));

            clock.advance(Duration.ofSeconds(24)); // 10 batches' worth of A's budget back
            assertThat(ask(hubA, ResendRequest.of(inc, 36, BATCHES, "a5")).resent())
                    .isEqualTo(5);
            assertThat(resentSeqs("a5")).containsExactly(seqs(36, 40));
        }
    }

    /** Appends BATCHES single-batch appends of the same size and acknowledges them all; returns their sizes. */
    private static List<Long> appendAndAcknowledge(EdgeBuffer buffer) {
        for (int i = 0; i < BATCHES; i++) {
            List<Point> points = new ArrayList<>();
            for (int p = 0; p < 100; p++) {
                points.add(Point.of("m", Map.of("p", Integer.toString(1000 + p)), 1_000L * i + p, p));
            }
            buffer.append(points);
        }
        List<Long> sizes = new ArrayList<>();
        BufferedBatch last = null;
        try (EdgeBuffer.Reader reader = buffer.readerFromCheckpoint()) {
            for (BufferedBatch b = reader.next(); b != null; b = reader.next()) {
                sizes.add((long) b.size());
                last = b;
            }
        }
        buffer.checkpoint(last.position(), buffer.unackedBytes());
        assertThat(sizes).hasSize(BATCHES).containsOnly(sizes.get(0));
        return sizes;
    }

    private static ResendResult ask(NatsLink hub, ResendRequest r) throws Exception {
        Message reply = hub.connection().request(Subjects.command("e1"), EventCodec.encode(r), Duration.ofSeconds(20));
        assertThat(reply).as("an answer to %s", r.requestId()).isNotNull();
        return EventCodec.decode(reply.getData(), ResendResult.class);
    }

    /** The sequences in the stream republished under request {@code requestId}. */
    private List<Long> resentSeqs(String requestId) throws Exception {
        List<Long> seqs = new ArrayList<>();
        try (NatsLink admin = NatsLink.open(settings, "test-reader")) {
            await().atMost(Duration.ofSeconds(10)).until(admin::isConnected);
            Connection c = admin.connection();
            JetStreamManagement jsm = c.jetStreamManagement();
            long last =
                    jsm.getStreamInfo(Subjects.METRICS_STREAM).getStreamState().getLastSequence();
            for (long s = 1; s <= last; s++) {
                var m = jsm.getMessage(Subjects.METRICS_STREAM, s);
                if (m.getHeaders().getFirst("Nats-Msg-Id").endsWith("-resend-" + requestId)) {
                    seqs.add(BatchCodec.decode(m.getData()).seq());
                }
            }
        }
        return seqs;
    }

    private static Long[] seqs(long from, long to) {
        List<Long> out = new ArrayList<>();
        for (long s = from; s <= to; s++) {
            out.add(s);
        }
        return out.toArray(Long[]::new);
    }
}
