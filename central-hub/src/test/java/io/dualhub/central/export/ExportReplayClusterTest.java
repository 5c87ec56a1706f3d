package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.stream.StreamSetup;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.NatsServerNode;
import io.nats.client.JetStream;
import io.nats.client.JetStreamApiException;
import io.nats.client.api.PublishAck;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A replay on a real 3-node cluster whose metrics stream loses its leader in the middle: SIGSTOP of the node leading
 * it, as the quick chaos set's paused-old-leader does, resumed a few seconds later. The replay must still bring every
 * message the stream held up to where the export's durable consumer stood: what it does not bring, the exporter gives
 * up as no longer in the streams (a batch both hubs stored and the receiver never got).
 */
class ExportReplayClusterTest {
    private static final int MESSAGES = 3_000;
    private static final int LAGGED = 10_000;
    private static final Duration PAUSED_FOR = Duration.ofSeconds(6);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster();

    private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
    private NatsLink link;

    @BeforeEach
    void streamsAtThreeReplicas() throws Exception {
        NATS.deleteStreams();
        link = NatsLink.open(NATS.quickSettings(), "test-replay");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        CentralConfig config = CentralConfig.load(null, Map.of("stream.replicas", "3"));
        new StreamSetup(config.stream(), config.ingest(), config.partition())
                .ensure(link.connection().jetStreamManagement(), "a");
    }

    @AfterEach
    void close() {
        faults.shutdownNow();
        NATS.nodes().forEach(NatsServerNode::resume);
        link.close();
    }

    @Test
    void aReplayWhoseStreamLosesItsLeaderMidwayStillBringsEveryMessageItHeld() throws Exception {
        publish(MESSAGES);
        ExportFeed feed = new ExportFeed(link, "replay-cluster", Partition.WHOLE, Duration.ofMinutes(5), 100_000);
        assertThat(feed.ready()).isTrue();
        deliverAll(feed, MESSAGES);

        ExportReplay replay = feed.replay(0);
        List<Long> replayed = new ArrayList<>();
        replay.next(200, 1 << 20).forEach(m -> replayed.add(m.seq()));
        NatsServerNode leader = node(new ClusterProbe(NATS).leaderOf(MetricsRoute.PRIMARY.stream()));
        leader.pause();
        faults.schedule(leader::resume, PAUSED_FOR.toMillis(), TimeUnit.MILLISECONDS);
        readOut(replay, replayed);

        assertThat(replayed)
                .as("every message the stream held up to the durable consumer's position, once, in order")
                .containsExactlyElementsOf(seqs(1, MESSAGES));
    }

    /**
     * A replica that fell behind: a follower paused while messages come, resumed just before the replay. An ordered
     * consumer has a single replica, placed on any node of its stream, and reads that node's copy; on the one still
     * catching up it runs out of messages early and says none are pending.
     */
    @Test
    void aReplayBringsEveryMessageWhenAReplicaIsStillCatchingUp() throws Exception {
        ExportFeed feed = new ExportFeed(link, "replay-lagging", Partition.WHOLE, Duration.ofMinutes(5), 1_000_000);
        assertThat(feed.ready()).isTrue();
        ClusterProbe probe = new ClusterProbe(NATS);
        int held = 0;
        for (int round = 0; round < 2; round++) {
            String leader = probe.leaderOf(MetricsRoute.PRIMARY.stream());
            NatsServerNode follower = NATS.nodes().stream()
                    .filter(n -> !n.name().equals(leader))
                    .findFirst()
                    .orElseThrow();
            long roundStartMs = System.currentTimeMillis();
            follower.pause();
            publish(LAGGED);
            follower.resume();
            held += LAGGED;
            deliverAll(feed, LAGGED);

            assertThat(readOut(feed.replay(0), new ArrayList<>()))
                    .as("round %d: every message the stream held, once, in order", round)
                    .containsExactlyElementsOf(seqs(1, held));
            assertThat(readOut(feed.replay(roundStartMs), new ArrayList<>()))
                    .as("round %d, from its start: the messages published since", round)
                    .containsExactlyElementsOf(seqs(held - LAGGED + 1, held));
        }
    }

    /**
     * Reads a replay out into {@code into} as the exporter does: a NATS error is tried again with the replay kept;
     * an empty answer is its end.
     */
    private static List<Long> readOut(ExportReplay replay, List<Long> into) {
        await("the replay read out")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try {
                        List<ExportReplay.Replayed> got = replay.next(1_000, 1 << 22);
                        got.forEach(m -> into.add(m.seq()));
                        return got.isEmpty();
                    } catch (IOException | JetStreamApiException e) {
                        return false;
                    }
                });
        return into;
    }

    private static List<Long> seqs(long from, long to) {
        return LongStream.rangeClosed(from, to).boxed().toList();
    }

    private void publish(int count) throws Exception {
        JetStream js = link.connection().jetStream();
        List<CompletableFuture<PublishAck>> acks = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            acks.add(js.publishAsync("dualhub.metrics.e1", new byte[512]));
        }
        CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    }

    /** Fetches until the durable consumer has delivered every message, acknowledging none (as an export in work). */
    private static void deliverAll(ExportFeed feed, int messages) throws Exception {
        int delivered = 0;
        while (delivered < messages) {
            delivered += feed.fetch(1_000, 1 << 22, Duration.ofSeconds(1)).size();
        }
    }

    private static NatsServerNode node(String name) {
        return NATS.nodes().stream()
                .filter(n -> n.name().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError("no node named " + name));
    }
}
