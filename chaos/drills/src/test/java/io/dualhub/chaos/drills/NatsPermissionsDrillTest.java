package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.cli.NatsUserCommand;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.BatchCodec;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.GapCodec;
import io.dualhub.common.wire.GapDeclaration;
import io.dualhub.common.wire.Heartbeat;
import io.dualhub.common.wire.Incarnations;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.CliRun;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.MessageInfo;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped NATS server configuration (deploy/nats: a 3-node JetStream cluster) with users made by
 * {@code dualhub nats-user}: an edge and a CentralHub authenticated by NKey seeds store exactly once and answer
 * commands; the edge's user is refused everything outside its own subjects — another edge's metrics, commands and
 * all metrics — and nothing it tried reaches the stream. And what an edge's user can publish on its own subjects
 * cannot pass for another edge, or for the hubs, or stop ingest.
 */
class NatsPermissionsDrillTest {
    private static final Path CONF = serverConfig();

    @RegisterExtension
    static final NatsFixture NATS =
            NatsFixture.cluster("-c", CONF.resolve("nats-1.conf").toString());

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    /** Each test's hubs start from empty streams and registry (a fresh CentralHub would read the last test's). */
    @BeforeEach
    void deleteStreams() throws Exception {
        try (Connection hub = connect("central-main", new CopyOnWriteArrayList<>())) {
            NatsFixture.deleteStreams(hub);
        }
    }

    @Test
    void edgesAndHubsWithTheirOwnUsersStoreExactlyOnceAndAnEdgeIsKeptToItsSubjects() throws Exception {
        HubProcess central = hubs.central("main", nkey("central-main") + "stream:\n  replicas: 3\n");
        HubProcess edge = hubs.edge("perm-edge", nkey("edge-perm-edge") + "collect:\n  enabled: false\n");
        SequencedWriter writer = new SequencedWriter("perm");
        for (int i = 0; i < 5; i++) {
            assertThat(writer.write(edge.url(), 200)).isTrue();
        }
        CentralClient api = new CentralClient(central.url());
        assertThat(api.awaitStored(writer, "perm-edge"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        await("heartbeats arrive")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> !api.edge("perm-edge").path("lastSeen").asText().isEmpty());

        try (Connection hub = connect("central-main", new CopyOnWriteArrayList<>())) {
            Message reply = hub.request(
                    Subjects.command("perm-edge"),
                    EventCodec.encode(ResendRequest.of(null, 1, 2, "permissions-drill")),
                    Duration.ofSeconds(10));
            assertThat(reply).as("the edge answers its commands").isNotNull();
            assertThat(EventCodec.decode(reply.getData(), ResendResult.class).resent())
                    .isEqualTo(2);
        }

        List<String> refused = new CopyOnWriteArrayList<>();
        try (Connection asEdge = connect("edge-perm-edge", refused)) {
            asEdge.publish(Subjects.metrics("other-edge"), new byte[] {1});
            asEdge.subscribe(Subjects.command("other-edge"));
            asEdge.subscribe("dualhub.metrics.>");
            asEdge.flush(Duration.ofSeconds(5));
            assertThatThrownBy(() -> asEdge.jetStream(JetStreamOptions.builder()
                                    .requestTimeout(Duration.ofSeconds(2))
                                    .build())
                            .publish(Subjects.metrics("other-edge"), new byte[] {1}))
                    .as("a JetStream publish to another edge's subject gets no ack")
                    .isInstanceOf(IOException.class);
            await("refusals").atMost(Duration.ofSeconds(10)).until(() -> refused.size() >= 3);
        }
        assertThat(String.join("\n", refused))
                .contains("Permissions Violation for Publish to \"dualhub.metrics.other-edge\"")
                .contains("Permissions Violation for Subscription to \"dualhub.cmd.other-edge\"")
                .contains("Permissions Violation for Subscription to \"dualhub.metrics.>\"");
        assertThat(api.values(writer.metric(), "perm-edge"))
                .as("resent batches deduplicated")
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.edge("other-edge").path("pointsStored").asLong())
                .as("nothing stored for the other edge")
                .isZero();
    }

    /** The YAML that gives a hub {@code user}'s seed; the seed is then one no log of the drill may hold. */
    private String nkey(String user) throws Exception {
        hubs.secret(user + "'s seed", Files.readString(CONF.resolve(user + ".nk")));
        return "nats:\n  nkey: file:" + CONF.resolve(user + ".nk") + "\n";
    }

    private static Connection connect(String user, List<String> errors) throws Exception {
        String seed = Files.readString(CONF.resolve(user + ".nk")).strip();
        return Nats.connect(new Options.Builder()
                .server(NATS.urls())
                .authHandler(Nats.staticCredentials(null, seed.toCharArray()))
                .inboxPrefix(user.startsWith("edge-") ? Subjects.edgeInbox(user.substring(5)) : "_INBOX")
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                })
                .build());
    }

    /**
     * deploy/nats's node and cluster files (less the store path) beside an accounts.conf made by `nats-user` for three
     * users.
     */
    private static Path serverConfig() {
        try {
            Path dir = Files.createTempDirectory("dualhub-nats-conf-");
            Path shipped = HubProcess.home().resolve("deploy/nats");
            Files.copy(shipped.resolve("nats-1.conf"), dir.resolve("nats-1.conf"));
            // three nodes on one machine: each gets its own store from the fixture (-sd), which nats-server
            // refuses beside a store_dir in the file; everything else is as shipped
            Files.writeString(
                    dir.resolve("cluster.conf"),
                    Files.readString(shipped.resolve("cluster.conf")).replaceAll("(?m)^\\s*store_dir:.*$", ""));
            for (String user : List.of(
                    "central main",
                    "edge perm-edge",
                    "edge other-edge",
                    "edge victim",
                    "edge lifecycle",
                    "edge heartbeat")) {
                String[] roleAndName = user.split(" ");
                CliRun made = CliRun.of(
                        new NatsUserCommand(new PrintStream(new ByteArrayOutputStream())),
                        roleAndName[0],
                        roleAndName[1],
                        "--dir",
                        dir.toString(),
                        "--seed",
                        dir.resolve(roleAndName[0] + "-" + roleAndName[1] + ".nk")
                                .toString());
                assertThat(made.status()).as(made.err()).isZero();
            }
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Edges named like the hubs' own subject tokens ({@code lifecycle}, {@code heartbeat}) beside a normal one
     * ({@code victim}). Each is shown as itself, and nobody flaps. Then {@code lifecycle}'s own user, on its own
     * subjects, in the middle of victim's load, publishes a batch of an unknown incarnation, a gap declaration over
     * victim's next batches and a heartbeat from the far future, each claiming to be victim; random bytes and a batch
     * with a broken string; and tries victim's lifecycle subject. Victim's points are all stored once, its
     * incarnation and state untouched, nothing of it declared dropped; and its gap repair still works: a batch deleted
     * from the stream before the hub read it is asked for and resent.
     */
    @Test
    void nothingAnEdgePublishesOnItsOwnSubjectsPassesForAnotherEdgeOrTheHubs() throws Exception {
        String centralYaml = nkey("central-main") + "stream:\n  replicas: 3\ngaps:\n  grace: 1s\n";
        HubProcess central = hubs.central("main", centralYaml);
        HubProcess victim = hubs.edge("victim", nkey("edge-victim") + "collect:\n  enabled: false\n");
        HubProcess lifecycle = hubs.edge("lifecycle", nkey("edge-lifecycle") + "collect:\n  enabled: false\n");
        HubProcess heartbeat = hubs.edge("heartbeat", nkey("edge-heartbeat") + "collect:\n  enabled: false\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter toVictim = new SequencedWriter("victim_load");
        SequencedWriter toLifecycle = new SequencedWriter("own_load");
        SequencedWriter toHeartbeat = new SequencedWriter("own_load");
        assertThat(toLifecycle.write(lifecycle.url(), 100)).isTrue();
        assertThat(toHeartbeat.write(heartbeat.url(), 100)).isTrue();
        assertThat(toVictim.write(victim.url(), 200)).isTrue();
        api.awaitStored(toVictim, "victim");
        await("all three ONLINE")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() ->
                        List.of("victim", "lifecycle", "heartbeat").stream().allMatch(id -> onlineAndSeen(api, id)));
        String incarnation = api.edge("victim").path("incarnation").asText();
        long next = api.edge("victim").path("highestSeq").asLong() + 1;

        List<String> refused = new CopyOnWriteArrayList<>();
        try (Connection attacker = connect("edge-lifecycle", refused)) {
            JetStream js = attacker.jetStream();
            String forged = Incarnations.newId();
            js.publish(
                    Subjects.metrics("lifecycle"),
                    BatchCodec.encode(new Batch(
                            "victim",
                            forged,
                            next,
                            System.currentTimeMillis(),
                            List.of(Point.of("victim_load", Map.of(), 1, -1)))));
            assertThat(toVictim.write(victim.url(), 200)).isTrue();
            js.publish(
                    Subjects.metrics("lifecycle"),
                    GapCodec.encode(new GapDeclaration(
                            "victim",
                            incarnation,
                            next,
                            next + 49,
                            GapDeclaration.Reason.OVERFLOW,
                            new int[50],
                            System.currentTimeMillis())));
            assertThat(toVictim.write(victim.url(), 200)).isTrue();
            attacker.publish(
                    Subjects.heartbeat("lifecycle"),
                    EventCodec.encode(new Heartbeat(
                            "victim",
                            "evil",
                            Long.MAX_VALUE,
                            0,
                            next + 1000,
                            next + 1000,
                            "evil",
                            forged,
                            "CLOSED",
                            0,
                            "Linux",
                            null)));
            byte[] garbage = new byte[512];
            new Random(7).nextBytes(garbage);
            js.publish(Subjects.metrics("lifecycle"), garbage);
            js.publish(Subjects.metrics("lifecycle"), new byte[] {(byte) 0xD1, 2, 0, 2, (byte) 0xC0, 0x20});
            assertThat(toVictim.write(victim.url(), 200)).isTrue();
            attacker.publish(Subjects.lifecycle("victim"), "{\"edgeId\":\"victim\",\"to\":\"OFFLINE\"}".getBytes());
            attacker.flush(Duration.ofSeconds(5));
            await("the forged lifecycle event refused")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> !refused.isEmpty());
        }
        assertThat(refused.get(0)).contains("Permissions Violation for Publish to \"dualhub.lifecycle.victim\"");
        assertThat(api.awaitStored(toVictim, "victim"))
                .as("every accepted point once")
                .hasSize((int) toVictim.accepted())
                .doesNotHaveDuplicates()
                .doesNotContain(-1L);
        await("refusals counted")
                .atMost(Duration.ofSeconds(10))
                .ignoreExceptions()
                .until(() -> api.get("/api/v1/stats")
                                        .path("rejected")
                                        .path("edge-mismatch")
                                        .asLong()
                                == 3
                        && api.get("/api/v1/stats")
                                        .path("rejected")
                                        .path("malformed")
                                        .asLong()
                                == 2);

        // victim's gap repair still works: a batch the stream lost before the hub read it is asked for and resent
        central.stop();
        assertThat(toVictim.write(victim.url(), 200)).isTrue();
        await("victim's batch acknowledged by the stream")
                .atMost(Duration.ofSeconds(20))
                .until(() -> victim.edgeStatus().path("backlog").asLong() == 0);
        try (Connection hub = connect("central-main", new CopyOnWriteArrayList<>())) {
            JetStreamManagement jsm = hub.jetStreamManagement();
            MessageInfo last = jsm.getLastMessage(MetricsRoute.PRIMARY.stream(), Subjects.metrics("victim"));
            assertThat(jsm.deleteMessage(MetricsRoute.PRIMARY.stream(), last.getSeq()))
                    .isTrue();
        }
        central.start();
        assertThat(api.awaitStored(toVictim, "victim"))
                .as("the deleted batch resent on request, stored once")
                .hasSize((int) toVictim.accepted())
                .doesNotHaveDuplicates();

        JsonNode v = api.edge("victim");
        assertThat(v.path("incarnation").asText()).isEqualTo(incarnation);
        assertThat(v.path("pointsDeclaredDropped").asLong()).isZero();
        assertThat(v.path("droppedRanges")).isEmpty();
        assertThat(v.path("version").asText()).isNotEqualTo("evil");
        assertThat(api.get("/api/v1/recovery?edge=victim").toString()).contains("gap-resend");
        List<String> ids = new ArrayList<>();
        api.get("/api/v1/edges").forEach(e -> ids.add(e.path("edgeId").asText()));
        assertThat(ids).as("no other edge appears").containsExactlyInAnyOrder("victim", "lifecycle", "heartbeat");
        for (String id : ids) {
            assertThat(api.get("/api/v1/edges/" + id).path("transitions").toString())
                    .as(id + " never flapped")
                    .doesNotContain("OFFLINE");
        }
    }

    private static boolean onlineAndSeen(CentralClient api, String id) {
        try {
            JsonNode e = api.edge(id);
            return e.path("state").asText().equals("ONLINE")
                    && !e.path("lastSeen").asText().isEmpty();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
