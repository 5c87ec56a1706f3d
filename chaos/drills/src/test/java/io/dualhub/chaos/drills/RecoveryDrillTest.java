package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.FaultProxy;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.MetricsStreams;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.SmallDisk;
import io.dualhub.testkit.WebhookReceiver;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The recovery playbooks, each condition caused for real and each action read back from the audit at
 * {@code /api/v1/recovery}: NATS loses the metrics streams while the hub is down (recreated; what the store lacks is
 * resent by the edge from its retention, exactly once); an edge goes OFFLINE and returns with a backlog that cannot
 * drain (alert, drain watch, reconnect), the leader dies and the standby adopts the watch, which completes once the
 * streams take messages again; a hub's durable consumer is deleted under it (recreated, audited, nothing stored
 * twice); the store's disk fills up (stops acknowledging, not ready, audited, alerted to a webhook) and is freed
 * (recovers by itself with backoff, audited, the alert resolved), every point stored once.
 */
class RecoveryDrillTest {
    private static final String FAST = "fleet:\n  heartbeat-interval: 1s\n  degraded-lag: 2s\ngaps:\n  grace: 2s\n"
            + "recovery:\n  drain-stall: 3s\n";
    private static final String EDGE = "heartbeat:\n  interval: 1s\ncollect:\n  enabled: false\n";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    private final long testStartMs = System.currentTimeMillis();

    @Test
    void streamsLostWhileTheHubIsDownAreRecreatedAndRefilledFromTheEdge() throws Exception {
        Stored s = storedThrough("c1", FAST, "rb-1", 5);
        HubProcess central = s.central();
        CentralClient api = s.api();
        HubProcess edge = s.edge();
        SequencedWriter writer = s.writer();

        central.kill9();
        writeBatches(writer, edge, 5);
        await("second half acknowledged by the stream")
                .atMost(Duration.ofSeconds(30))
                .until(() -> edge.edgeStatus().path("backlog").asLong() == 0);
        try (Connection nats = Nats.connect(NATS.urls())) {
            for (String stream : List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B")) {
                nats.jetStreamManagement().deleteStream(stream);
            }
        }
        central.start();

        awaitAllStoredOnce(api, writer, "rb-1");
        await("both actions audited")
                .atMost(Duration.ofSeconds(20))
                .until(() -> action(
                                        api,
                                        "stream-rebuilt",
                                        a -> a.path("status").asText().equals("DONE"))
                                != null
                        && action(
                                        api,
                                        "gap-resend",
                                        a -> a.path("edge").asText().equals("rb-1")
                                                && a.path("status").asText().equals("DONE"))
                                != null);
        assertThat(action(api, "gap-resend", a -> a.path("edge").asText().equals("rb-1"))
                        .path("outcome")
                        .asText())
                .startsWith("resent 5 batches");
    }

    @Test
    void anEdgeThatIsGoneIsAskedLessAndLessOften() throws Exception {
        Stored s = storedThrough("c5", "gaps:\n  grace: 1s\n", "gone-1", 3);
        HubProcess central = s.central();
        CentralClient api = s.api();
        HubProcess edge = s.edge();
        SequencedWriter writer = s.writer();
        central.kill9();
        try (Connection nats = Nats.connect(NATS.urls())) {
            List<Long> acked = new CopyOnWriteArrayList<>();
            nats.createDispatcher(m -> acked.add(
                            EventCodec.decode(m.getData(), Heartbeat.class).lastAckedSeq()))
                    .subscribe("dualhub.events.gone-1.heartbeat");
            writeBatches(writer, edge, 3);
            await("a heartbeat saying all 6 batches are acknowledged")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> acked.contains(6L));
            edge.kill9();
            for (String stream : List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B")) {
                nats.jetStreamManagement().deleteStream(stream);
            }
        }
        central.start(); // it lacks batches 4..6, and the only copy is on an edge that is gone

        await("the first request fails")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> resends(api) > 0);
        // with a 1 s grace, asking every grace would be about 15 requests in 15 s; doubling waits make it 4 or so
        await("asked at doubling intervals")
                .during(Duration.ofSeconds(15))
                .atMost(Duration.ofSeconds(20))
                .ignoreExceptions()
                .until(() -> resends(api) <= 5);
        assertThat(resends(api)).as("still asking").isGreaterThanOrEqualTo(3);
    }

    /** Resend requests audited for the gone edge, all of which must have failed. */
    private long resends(CentralClient api) throws Exception {
        long failed = 0;
        for (JsonNode a : api.get("/api/v1/recovery?edge=gone-1")) {
            if (a.path("playbook").asText().equals("gap-resend")
                    && a.path("startedAtMs").asLong() >= testStartMs) {
                assertThat(a.path("status").asText()).isIn("PENDING", "FAILED");
                failed++;
            }
        }
        return failed;
    }

    @Test
    void aConsumerDeletedUnderARunningHubIsRecreatedAndNothingIsStoredTwice() throws Exception {
        Stored s = storedThrough("c9", FAST, "cd-1", 3);
        CentralClient api = s.api();
        HubProcess edge = s.edge();
        SequencedWriter writer = s.writer();
        try (Connection nats = Nats.connect(NATS.urls())) {
            nats.jetStreamManagement().deleteConsumer("DUALHUB_METRICS", "central-c9");
        }
        writeBatches(writer, edge, 3);
        await("recreated, audited")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> action(
                                api,
                                "stream-rebuilt",
                                a -> a.path("what").asText().equals("recreated consumer central-c9 on DUALHUB_METRICS"))
                        != null);
        awaitAllStoredOnce(api, writer, "cd-1");
    }

    @Test
    void aStalledDrainIsReconnectedAdoptedByTheNewLeaderAndFinished() throws Exception {
        List<HubProcess> pair = hubs.leaderAndStandby(FAST);
        HubProcess c1 = pair.get(0);
        CentralClient first = new CentralClient(c1.url());
        CentralClient second = new CentralClient(pair.get(1).url());
        try (FaultProxy link = new FaultProxy(NATS.node(0).clientPort());
                Connection nats = Nats.connect(NATS.urls())) {
            HubProcess edge = hubs.edge("dr-1", EDGE, link.url(), hubs.dir().resolve("dr-1"));
            SequencedWriter writer = new SequencedWriter("drain");
            writeBatches(writer, edge, 2);
            await("dr-1 ONLINE")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> first.get("/api/v1/edges/dr-1")
                            .path("state")
                            .asText()
                            .equals("ONLINE"));

            link.blackhole();
            writeBatches(writer, edge, 5);
            await("OFFLINE, alerted and audited")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> action(
                                    first,
                                    "edge-offline",
                                    a -> a.path("edge").asText().equals("dr-1")
                                            && a.path("status").asText().equals("DONE"))
                            != null);
            JetStreamManagement jsm = nats.jetStreamManagement();
            MetricsStreams.refuseNew(jsm);
            try {
                link.heal();
                stalledDrainAdoptedAndFinished(first, second, c1, jsm, writer);
            } finally {
                MetricsStreams.acceptAgain(jsm);
            }
        }
    }

    /** With the streams refusing messages: a reconnect, the leader killed, the watch adopted, then finished. */
    private void stalledDrainAdoptedAndFinished(
            CentralClient first, CentralClient second, HubProcess c1, JetStreamManagement jsm, SequencedWriter writer)
            throws Exception {
        await("the stalled drain gets a reconnect")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> action(
                                first,
                                "edge-drain",
                                a -> a.path("outcome").asText().contains("reconnect 1"))
                        != null);
        c1.kill9();
        await("c2 adopts the watch")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> action(
                                second,
                                "edge-drain",
                                a -> a.path("outcome").asText().contains("adopted by c2 from c1"))
                        != null);
        MetricsStreams.acceptAgain(jsm);
        await("the drain finishes under c2")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> action(
                                second,
                                "edge-drain",
                                a -> a.path("status").asText().equals("DONE")
                                        && a.path("by").asText().equals("c2"))
                        != null);
        awaitAllStoredOnce(second, writer, "dr-1");
    }

    @Test
    void aFullStoreDiskIsAuditedAndAlertedFromFailureToRecovery() throws Exception {
        Path disk = Files.createDirectories(hubs.dir().resolve("store-disk"));
        Assumptions.assumeTrue(SmallDisk.mount(disk, 64), "skipped: a full store disk (tmpfs) needs root");
        HubProcess central = null;
        try (WebhookReceiver webhook = WebhookReceiver.start()) {
            central = hubs.central(
                    "c1",
                    FAST + "alerting:\n  store-failing-after: 1s\n  webhook:\n    urls: " + webhook.url("/hook") + "\n",
                    disk.resolve("store"));
            CentralClient api = new CentralClient(central.url());
            HubProcess edge = hubs.edge("sf-1", EDGE);
            SequencedWriter writer = new SequencedWriter("storefull");
            writeBatches(writer, edge, 2);
            awaitAllStoredOnce(api, writer, "sf-1");
            Path filler = SmallDisk.fillLeaving(disk, 64 << 10);
            await("the store fails, audited")
                    .atMost(Duration.ofSeconds(60))
                    .ignoreExceptions()
                    .until(() -> {
                        writeBatches(writer, edge, 1);
                        return action(
                                        api,
                                        "store-failing",
                                        a -> a.path("status").asText().equals("PENDING"))
                                != null;
                    });
            assertThat(api.health().path("ingest").asText()).isEqualTo("STORE_FAILING");
            await("the store-failing alert raised and delivered")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> storeAlert(webhook, "firing"));
            assertThat(api.get("/api/v1/alerts").toString()).contains("DualhubStoreFailing");
            Files.delete(filler);
            await("recovered by itself, audited")
                    .atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> action(
                                    api,
                                    "store-failing",
                                    a -> a.path("status").asText().equals("DONE"))
                            != null);
            awaitAllStoredOnce(api, writer, "sf-1");
            await("the alert resolved").atMost(Duration.ofSeconds(30)).until(() -> storeAlert(webhook, "resolved"));
        } finally {
            if (central != null) {
                central.stop();
            }
            SmallDisk.unmount(disk);
        }
    }

    /** Whether the webhook got the hub's store-failing alert in this state, labelled with the hub. */
    private static boolean storeAlert(WebhookReceiver webhook, String status) {
        return webhook.at("/hook").stream()
                .anyMatch(d -> d.path("status").asText().equals(status)
                        && d.path("commonLabels").path("alertname").asText().equals("DualhubStoreFailing")
                        && d.path("commonLabels").path("hub").asText().equals("c1"));
    }

    /** A CentralHub and an edge, with the edge's first batches stored. */
    private record Stored(HubProcess central, CentralClient api, HubProcess edge, SequencedWriter writer) {}

    /** Starts a CentralHub and an edge writing a metric named after the edge, and waits for its batches stored. */
    private Stored storedThrough(String instance, String yaml, String edgeId, int batches) throws Exception {
        HubProcess central = hubs.central(instance, yaml);
        CentralClient api = new CentralClient(central.url());
        HubProcess edge = hubs.edge(edgeId, EDGE);
        SequencedWriter writer = new SequencedWriter(edgeId.replace("-", "_"));
        writeBatches(writer, edge, batches);
        awaitAllStoredOnce(api, writer, edgeId);
        return new Stored(central, api, edge, writer);
    }

    /** Waits until every point the writer got accepted is stored at the hub, then checks each is stored once. */
    private static void awaitAllStoredOnce(CentralClient api, SequencedWriter writer, String edge) throws Exception {
        await(edge + ": every accepted point stored")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(300))
                .ignoreExceptions()
                .until(() -> api.values(writer.metric(), edge).size() >= writer.accepted());
        assertThat(api.values(writer.metric(), edge))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
    }

    private static void writeBatches(SequencedWriter writer, HubProcess edge, int batches) throws Exception {
        for (int i = 0; i < batches; i++) {
            assertThat(writer.write(edge.url(), 200)).isTrue();
        }
    }

    /**
     * The newest audited action of the playbook, started during this test, matching {@code test}, or null (the
     * class's NATS server, and so its audit stream, outlives each test).
     */
    private JsonNode action(CentralClient api, String playbook, Predicate<JsonNode> test) throws Exception {
        for (JsonNode a : api.get("/api/v1/recovery")) {
            if (a.path("playbook").asText().equals(playbook)
                    && a.path("startedAtMs").asLong() >= testStartMs
                    && test.test(a)) {
                return a;
            }
        }
        return null;
    }
}
