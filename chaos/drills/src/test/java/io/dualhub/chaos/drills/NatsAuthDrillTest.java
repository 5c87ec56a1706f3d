package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both hubs against a nats-server that demands a user and password: with the password in a file the data path
 * works end to end and the password appears in no log; with a wrong one the edge keeps accepting into its buffer
 * and logs the refusal once, not once per reconnect attempt.
 */
class NatsAuthDrillTest {
    private static final String PASSWORD = "pw-" + UUID.randomUUID();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single("--user", "dualhub", "--pass", PASSWORD);

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    private String authYaml(String password) throws Exception {
        Path file = Files.writeString(hubs.dir().resolve("nats-password-" + UUID.randomUUID()), password + "\n");
        return "nats:\n  user: dualhub\n  password: file:" + file + "\n";
    }

    @Test
    void theDataPathWorksWithAPasswordFromAFileThatNoLogShows() throws Exception {
        hubs.secret("the NATS password", PASSWORD);
        HubProcess central = hubs.central("main", authYaml(PASSWORD));
        HubProcess edge = hubs.edge("auth-edge", "collect:\n  enabled: false\n" + authYaml(PASSWORD));
        SequencedWriter writer = new SequencedWriter("auth");
        assertThat(writer.write(edge.url(), 100)).isTrue();
        CentralClient api = new CentralClient(central.url());
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.edge("auth-edge").path("pointsStored").asLong() == 100);
    }

    @Test
    void aWrongPasswordIsOneClearLineWhileTheEdgeKeepsBuffering() throws Exception {
        hubs.secret("the wrong NATS password", "not-the-password");
        HubProcess edge = hubs.edge("wrong-edge", "collect:\n  enabled: false\n" + authYaml("not-the-password"));
        assertThat(new SequencedWriter("refused").write(edge.url(), 10))
                .as("accepted into the buffer")
                .isTrue();
        Path log = hubs.dir().resolve("wrong-edge.log");
        await("the refusal logged").atMost(Duration.ofSeconds(30)).until(() -> refusals(log) >= 1);
        // about 8 reconnect attempts at the default reconnect-wait while the log stays at one line
        await().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(3)).until(() -> refusals(log) == 1);
        assertThat(Files.readString(log)).contains("check nats.user and nats.password");
    }

    private static long refusals(Path log) throws Exception {
        return Files.readAllLines(log).stream()
                .filter(l -> l.toLowerCase().contains("authorization violation"))
                .count();
    }
}
