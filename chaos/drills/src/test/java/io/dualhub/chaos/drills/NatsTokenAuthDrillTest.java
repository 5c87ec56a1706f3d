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

/** Both hubs against a nats-server that demands a token, read from a file: the data path works, no log shows it. */
class NatsTokenAuthDrillTest {
    private static final String TOKEN = "tok-" + UUID.randomUUID();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single("--auth", TOKEN);

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void theDataPathWorksWithATokenFromAFile() throws Exception {
        hubs.secret("the NATS token", TOKEN);
        Path file = Files.writeString(hubs.dir().resolve("nats-token"), TOKEN + "\n");
        String yaml = "nats:\n  token: file:" + file + "\n";
        HubProcess central = hubs.central("main", yaml);
        HubProcess edge = hubs.edge("token-edge", "collect:\n  enabled: false\n" + yaml);
        assertThat(new SequencedWriter("token").write(edge.url(), 100)).isTrue();
        CentralClient api = new CentralClient(central.url());
        await().atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.edge("token-edge").path("pointsStored").asLong() == 100);
    }
}
