package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.dualhub.chaos.harness.NatsFixture;
import io.dualhub.common.Subjects;
import io.dualhub.common.ops.NatsUsers;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.ResendRequest;
import io.dualhub.common.wire.ResendResult;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamOptions;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The shipped NATS server configuration (deploy/nats: a 3-node JetStream cluster) with users made by
 * {@code dualhub nats-user}: an edge and a CentralHub authenticated by NKey seeds store exactly once and answer
 * commands; the edge's user is refused everything outside its own subjects — another edge's metrics, commands and
 * all metrics — and nothing it tried reaches the stream.
 */
class NatsPermissionsDrillTest {
    private static final Path CONF = serverConfig();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster("-c", CONF.resolve("nats-1.conf").toString());

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void edgesAndHubsWithTheirOwnUsersStoreExactlyOnceAndAnEdgeIsKeptToItsSubjects() throws Exception {
        HubProcess central = hubs.central("main", nkey("central-main") + "stream:\n  replicas: 3\n");
        HubProcess edge = hubs.edge("perm-edge", nkey("edge-perm-edge") + "collect:\n  enabled: false\n");
        LineWriter writer = new LineWriter("perm");
        for (int i = 0; i < 5; i++) {
            assertThat(writer.write(edge.url(), 200)).isTrue();
        }
        CentralClient api = new CentralClient(central.url());
        assertThat(api.awaitStored(writer, "perm-edge")).hasSize((int) writer.accepted()).doesNotHaveDuplicates();
        await("heartbeats arrive").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> !api.edge("perm-edge").path("lastSeen").asText().isEmpty());

        try (Connection hub = connect("central-main", new CopyOnWriteArrayList<>())) {
            Message reply = hub.request(Subjects.command("perm-edge"),
                    EventCodec.encode(ResendRequest.of(null, 1, 2, "permissions-drill")), Duration.ofSeconds(10));
            assertThat(reply).as("the edge answers its commands").isNotNull();
            assertThat(EventCodec.decode(reply.getData(), ResendResult.class).resent()).isEqualTo(2);
        }

        List<String> refused = new CopyOnWriteArrayList<>();
        try (Connection asEdge = connect("edge-perm-edge", refused)) {
            asEdge.publish(Subjects.metrics("other-edge"), new byte[] {1});
            asEdge.subscribe(Subjects.command("other-edge"));
            asEdge.subscribe("dualhub.metrics.>");
            asEdge.flush(Duration.ofSeconds(5));
            assertThatThrownBy(() -> asEdge.jetStream(JetStreamOptions.builder()
                    .requestTimeout(Duration.ofSeconds(2)).build())
                    .publish(Subjects.metrics("other-edge"), new byte[] {1}))
                    .as("a JetStream publish to another edge's subject gets no ack").isInstanceOf(IOException.class);
            await("refusals").atMost(Duration.ofSeconds(10)).until(() -> refused.size() >= 3);
        }
        assertThat(String.join("\n", refused))
                .contains("Permissions Violation for Publish to \"dualhub.metrics.other-edge\"")
                .contains("Permissions Violation for Subscription to \"dualhub.cmd.other-edge\"")
                .contains("Permissions Violation for Subscription to \"dualhub.metrics.>\"");
        assertThat(api.values(writer.metric(), "perm-edge")).as("resent batches deduplicated")
                .hasSize((int) writer.accepted()).doesNotHaveDuplicates();
        assertThat(api.edge("other-edge").path("pointsStored").asLong()).as("nothing stored for the other edge")
                .isZero();
    }

    private static String nkey(String user) {
        return "nats:\n  nkey: file:" + CONF.resolve(user + ".nk") + "\n";
    }

    private static Connection connect(String user, List<String> errors) throws Exception {
        String seed = Files.readString(CONF.resolve(user + ".nk")).strip();
        return Nats.connect(new Options.Builder().server(NATS.urls())
                .authHandler(Nats.staticCredentials(null, seed.toCharArray()))
                .inboxPrefix(user.startsWith("edge-") ? Subjects.edgeInbox(user.substring(5)) : "_INBOX")
                .errorListener(new ErrorListener() {
                    @Override
                    public void errorOccurred(Connection conn, String error) {
                        errors.add(error);
                    }
                }).build());
    }

    /** deploy/nats's node and cluster files (less the store path) beside an accounts.conf made by `nats-user` for three users. */
    private static Path serverConfig() {
        try {
            Path dir = Files.createTempDirectory("dualhub-nats-conf-");
            Path shipped = HubProcess.home().resolve("deploy/nats");
            Files.copy(shipped.resolve("nats-1.conf"), dir.resolve("nats-1.conf"));
            // three nodes on one machine: each gets its own store from the fixture (-sd), which nats-server
            // refuses beside a store_dir in the file; everything else is as shipped
            Files.writeString(dir.resolve("cluster.conf"), Files.readString(shipped.resolve("cluster.conf"))
                    .replaceAll("(?m)^\\s*store_dir:.*$", ""));
            for (String user : List.of("central main", "edge perm-edge", "edge other-edge")) {
                String[] roleAndName = user.split(" ");
                int status = NatsUsers.run(List.of(roleAndName[0], roleAndName[1], "--dir", dir.toString(),
                        "--seed", dir.resolve(roleAndName[0] + "-" + roleAndName[1] + ".nk").toString()),
                        new PrintStream(new ByteArrayOutputStream()));
                assertThat(status).isZero();
            }
            return dir;
        } catch (IOException | java.security.GeneralSecurityException e) {
            throw new UncheckedIOException(new IOException(e));
        }
    }
}
