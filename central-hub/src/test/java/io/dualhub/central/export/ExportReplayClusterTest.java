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
import io.nats.client.api.PublishAck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Callable;
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
 * Replays on a real 3-node cluster, the metrics streams at three replicas. The node leading the stream is paused
 * (SIGSTOP, as the quick chaos set's paused-old-leader does) in the middle of a replay and resumed a few seconds
 * later: the replay must still bring every message the stream held up to where the export's durable consumer stood,
 * since what it does not bring the exporter gives up as no longer in the streams. Which node an ordered consumer
 * lands on cannot be chosen, so a replica that lags is scripted in {@link ExportReplayTest}.
 */
class ExportReplayClusterTest {
    private static final int MESSAGES = 3_000;
    private static final Duration PAUSED_FOR = Duration.ofSeconds(6);
    private static final Duration SETTLE = Duration.ofSeconds(60);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster();

    private final ScheduledExecutorService faults = Executors.newSingleThreadScheduledExecutor();
    private NatsLink link;

    @BeforeEach
    void emptyStreams() {
        // a test before may have left the cluster electing leaders for a few seconds after its fault
        await("the streams deleted").atMost(SETTLE).ignoreExceptions().untilAsserted(NATS::deleteStreams);
        link = NatsLink.open(NATS.quickSettings(), "test-replay");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
    }

    @AfterEach
    void close() {
        faults.shutdownNow();
        NATS.nodes().forEach(NatsServerNode::resume);
        link.close();
    }

    @Test
    void aReplayWhoseStreamLosesItsLeaderMidwayStillBringsEveryMessageItHeld() throws Exception {
        streamsAtThreeReplicas();
        publish(MESSAGES / 2);
        long halfwayMs = System.currentTimeMillis();
        publish(MESSAGES / 2);
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
        assertThat(readOut(retried(() -> feed.replay(halfwayMs)), new ArrayList<>()))
                .as("from a time: the messages published since, found by bisection over the leader's answers")
                .containsExactlyElementsOf(seqs(MESSAGES / 2 + 1, MESSAGES));
    }

    /**
     * The bulk reader is only the fast path: one that cannot read (here its stream is not there yet) answers empty
     * rather than failing the replay, and reads again, made anew, once it can.
     */
    @Test
    void aBulkReaderThatCannotReadAnswersEmptyAndReadsOnceItCan() throws Exception {
        ReplayReaders.OrderedBulk bulk =
                new ReplayReaders.OrderedBulk(link.connection(), MetricsRoute.PRIMARY, MetricsRoute.PRIMARY.wildcard());

        assertThat(bulk.fetch(0, 100, 1 << 20)).isEmpty();
        streamsAtThreeReplicas();
        publish(3);
        assertThat(bulk.fetch(0, 100, 1 << 20))
                .extracting(m -> m.metaData().streamSequence())
                .containsExactly(1L, 2L, 3L);
    }

    private void streamsAtThreeReplicas() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of("stream.replicas", "3"));
        new StreamSetup(config.stream(), config.ingest(), config.partition())
                .ensure(link.connection().jetStreamManagement(), "a");
    }

    /**
     * Reads a replay out into {@code into} as the exporter does: an error is tried again with the replay kept; an
     * empty answer is its end.
     */
    private static List<Long> readOut(ExportReplay replay, List<Long> into) {
        await("the replay read out")
                .atMost(SETTLE.multipliedBy(2))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> {
                    try {
                        List<ExportReplay.Replayed> got = replay.next(1_000, 1 << 22);
                        got.forEach(m -> into.add(m.seq()));
                        return got.isEmpty();
                    } catch (Exception e) {
                        return false;
                    }
                });
        return into;
    }

    /** What {@code call} answers once it stops failing (the cluster settling after a fault). */
    private static <T> T retried(Callable<T> call) {
        return await().atMost(SETTLE).ignoreExceptions().until(call, Objects::nonNull);
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

    /** Fetches until the durable consumer has delivered {@code messages}, acknowledging none (an export in work). */
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
