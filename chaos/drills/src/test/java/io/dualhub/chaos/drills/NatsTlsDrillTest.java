package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.TestCertificates;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both hubs against a real nats-server that requires TLS with client certificates and a user/password, all from
 * certificates this test makes with openssl: the data path works end to end, exactly once; an edge without a client
 * certificate is refused, keeps accepting into its buffer, and says so in a line or two that name the keys to
 * check, not one per reconnect attempt.
 */
class NatsTlsDrillTest {
    private static final TestCertificates CERTS = TestCertificates.make();
    private static final String PASSWORD = "tls-drill-pass";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single(
            "--tls",
            "--tlscert",
            CERTS.file("server.pem").toString(),
            "--tlskey",
            CERTS.file("server.key").toString(),
            "--tlscacert",
            CERTS.file("ca.pem").toString(),
            "--tlsverify",
            "--user",
            "hub",
            "--pass",
            PASSWORD);

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @BeforeAll
    static void openssl() {
        Assumptions.assumeTrue(CERTS.available(), "skipped: openssl is needed to make the " + "test certificates");
    }

    @Test
    void bothHubsStoreExactlyOnceOverMutualTlsWithAPassword() throws Exception {
        hubs.secret("the NATS password", PASSWORD).secret("the client key", Files.readString(CERTS.file("client.key")));
        Path password = Files.writeString(hubs.dir().resolve("nats-password"), PASSWORD);
        String nats =
                "nats:\n  user: hub\n  password: file:" + password + "\n  tls:\n    ca: " + CERTS.file("ca.pem") + "\n";
        String withCert =
                nats + "    cert: " + CERTS.file("client.pem") + "\n    key: " + CERTS.file("client.key") + "\n";
        HubProcess central = hubs.central("tls-central", withCert);
        HubProcess edge = hubs.edge("tls-edge", withCert + "collect:\n  enabled: false\n");
        SequencedWriter writer = new SequencedWriter("tls");
        for (int i = 0; i < 5; i++) {
            assertThat(writer.write(edge.url(), 200)).isTrue();
        }
        CentralClient api = new CentralClient(central.url());
        assertThat(api.awaitStored(writer, "tls-edge"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();

        HubProcess noCert = hubs.edge("tls-nocert", nats + "collect:\n  enabled: false\n");
        assertThat(new SequencedWriter("nocert").write(noCert.url(), 10))
                .as("the buffer still accepts")
                .isTrue();
        Path noCertLog = hubs.dir().resolve("tls-nocert.log");
        await("the refusal logged")
                .atMost(Duration.ofSeconds(30))
                .until(() -> Files.readString(noCertLog).contains("nats.tls.cert and nats.tls.key"));
        await("retrying for a while")
                .during(Duration.ofSeconds(8))
                .atMost(Duration.ofSeconds(12))
                .until(() -> !noCert.edgeStatus().path("nats").asText().equals("CONNECTED"));
        assertThat(Files.readAllLines(noCertLog).stream()
                        .filter(l -> l.contains("NATS error"))
                        .count())
                .as("one line per distinct error, not one per attempt")
                .isLessThanOrEqualTo(3);
    }
}
