package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.MessageInfo;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The stream loses acknowledged batches before the CentralHub read them (what a silently diverged replica does):
 * here they are deleted from the stream for real. The CentralHub notices the holes (and the missing tail, from the
 * edge's heartbeat), asks the edge to resend them from its retained buffer, and ends with every accepted point
 * stored exactly once.
 */
class GapRepairDrillTest {
    private static final String EDGE = "gap-edge";
    private static final String STANDBY_EDGE = "standby-gap-edge";
    private static final String LOADED_EDGE = "loaded-gap-edge";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    /** Writes this many requests of 100 points, each one batch at the edge, each accepted. */
    private static void writeBatches(SequencedWriter writer, HubProcess edge, int batches) throws Exception {
        for (int i = 0; i < batches; i++) {
            assertThat(writer.write(edge.url(), 100)).isTrue();
        }
    }

    /**
     * Twenty batches stored by {@code central}, which is then stopped; twenty more reach the stream, and the batches
     * {@code lost} are deleted from it: holes the hub finds when it starts again.
     */
    private static void holesInTheStreamWhileTheHubIsDown(
            HubProcess central, HubProcess edge, String edgeId, SequencedWriter writer, Set<Long> lost)
            throws Exception {
        CentralClient api = new CentralClient(central.url());
        writeBatches(writer, edge, 20);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.edge(edgeId).path("lastSeq").asLong() == 20);

        central.stop();
        writeBatches(writer, edge, 20);
        try (Connection c = Nats.connect(NATS.urls())) {
            await("all 40 batches in the stream")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> c.jetStreamManagement()
                                    .getStreamInfo("DUALHUB_METRICS")
                                    .getStreamState()
                                    .getMsgCount()
                            >= 40);
            deleteBatches(c.jetStreamManagement(), edgeId, lost);
        }
    }

    @Test
    void batchesLostFromTheStreamAreResentByTheEdge() throws Exception {
        HubProcess central = hubs.central("main", "gaps:\n  grace: 2s\n");
        HubProcess edge = hubs.edge(EDGE, "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("gap");
        Set<Long> lost = Set.of(25L, 30L, 31L, 32L, 40L);
        holesInTheStreamWhileTheHubIsDown(central, edge, EDGE, writer, lost);
        long repairStart = System.nanoTime();
        central.start();

        await("holes and tail repaired")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> api.edge(EDGE).path("pointsStored").asLong() >= writer.accepted());
        System.out.printf(
                "gap repair: %d lost batches restored in %d ms (grace 2 s)%n",
                lost.size(), (System.nanoTime() - repairStart) / 1_000_000);
        assertThat(api.values(writer.metric(), EDGE))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.edge(EDGE).path("lastSeq").asLong()).isEqualTo(40);
        assertThat(api.get("/api/v1/edges/" + EDGE).path("missingRanges")).isEmpty();
        assertThat(api.get("/api/v1/edges/" + EDGE).path("batchesLost").asLong())
                .isZero();
    }

    /**
     * The same holes, repaired while another edge keeps the hub's consumers busy (something is always pending or
     * awaiting its ack): repair judges a hole by what the consumers have read since it was first seen, not by an
     * idle moment that a loaded hub never has.
     */
    @Test
    void holesAreRepairedWhileDataFlows() throws Exception {
        HubProcess central = hubs.central("main", "gaps:\n  grace: 2s\n");
        HubProcess edge = hubs.edge(LOADED_EDGE, "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n");
        HubProcess busy = hubs.edge("busy-edge", "collect:\n  enabled: false\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("loadedgap");
        holesInTheStreamWhileTheHubIsDown(central, edge, LOADED_EDGE, writer, Set.of(25L, 30L, 31L));
        LineLoad load = new LineLoad(busy.url(), "busy");
        AtomicBoolean loading = new AtomicBoolean(true);
        AtomicLong bursts = new AtomicLong();
        Thread loader = new Thread(() -> {
            try {
                while (loading.get()) {
                    load.burst(5_000, 1, 500);
                    bursts.incrementAndGet();
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        loader.start();
        try {
            central.start();
            await("holes repaired under load")
                    .atMost(Duration.ofSeconds(45))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> api.edge(LOADED_EDGE).path("pointsStored").asLong() >= writer.accepted());
            long before = bursts.get();
            await("the load still flows").atMost(Duration.ofSeconds(30)).until(() -> bursts.get() > before);
        } finally {
            loading.set(false);
            loader.join();
        }
        assertThat(api.values(writer.metric(), LOADED_EDGE))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.get("/api/v1/edges/" + LOADED_EDGE).path("missingRanges"))
                .isEmpty();
    }

    @Test
    void batchesOnlyTheStandbyLacksAreResentThroughTheLeader() throws Exception {
        HubProcess leader = hubs.central("leader", "gaps:\n  grace: 2s\n");
        CentralClient leaderApi = new CentralClient(leader.url());
        await("the first hub leads")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(leaderApi::isLeader);
        HubProcess standby = hubs.central("standby", "gaps:\n  grace: 2s\n");
        CentralClient standbyApi = new CentralClient(standby.url());
        HubProcess edge = hubs.edge(STANDBY_EDGE, "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n");
        SequencedWriter writer = new SequencedWriter("standbygap");
        writeBatches(writer, edge, 10);
        await().atMost(Duration.ofSeconds(30))
                .until(() -> standbyApi.edge(STANDBY_EDGE).path("lastSeq").asLong() == 10);

        standby.stop();
        writeBatches(writer, edge, 10);
        await("the leader stored all 20")
                .atMost(Duration.ofSeconds(30))
                .until(() -> leaderApi.edge(STANDBY_EDGE).path("lastSeq").asLong() == 20);
        try (Connection c = Nats.connect(NATS.urls())) {
            deleteBatches(c.jetStreamManagement(), STANDBY_EDGE, Set.of(13L, 14L, 20L));
        }
        standby.start();

        await("the standby's holes and tail repaired")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(200))
                .until(() -> standbyApi.edge(STANDBY_EDGE).path("pointsStored").asLong() >= writer.accepted());
        assertThat(standbyApi.values(writer.metric(), STANDBY_EDGE))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(standbyApi.get("/api/v1/edges/" + STANDBY_EDGE).path("missingRanges"))
                .isEmpty();
        assertThat(leaderApi.values(writer.metric(), STANDBY_EDGE))
                .as("the leader only counts the resent batches")
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(leaderApi.isLeader())
                .as("the standby did not take over to repair")
                .isTrue();
    }

    /** Deletes the stream messages that carry the given batch sequences of this drill's edge. */
    private static void deleteBatches(JetStreamManagement jsm, String edge, Set<Long> seqs) throws Exception {
        // Nats-Msg-Id of a batch: <edgeId>-<incarnation>-<seq>
        Pattern batchId = Pattern.compile(Pattern.quote(edge) + "-[0-9a-f]+-(\\d+)");
        long last = jsm.getStreamInfo("DUALHUB_METRICS").getStreamState().getLastSequence();
        int deleted = 0;
        for (long s = 1; s <= last; s++) {
            MessageInfo m;
            try {
                m = jsm.getMessage("DUALHUB_METRICS", s);
            } catch (JetStreamApiException deletedBefore) {
                continue;
            }
            String id = m.getHeaders() == null ? null : m.getHeaders().getFirst("Nats-Msg-Id");
            Matcher match = id == null ? null : batchId.matcher(id);
            if (match != null && match.matches() && seqs.contains(Long.parseLong(match.group(1)))) {
                jsm.deleteMessage("DUALHUB_METRICS", s);
                deleted++;
            }
        }
        assertThat(deleted).isEqualTo(seqs.size());
    }
}
