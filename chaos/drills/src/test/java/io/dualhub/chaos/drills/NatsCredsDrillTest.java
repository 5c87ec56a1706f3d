package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.nats.client.NKey;
import io.nats.client.support.JsonSerializable;
import io.nats.client.support.JwtUtils;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Both hubs against a nats-server in operator (JWT) mode, the way `nsc` sets one up: an operator, an account with
 * JetStream, and a user whose {@code .creds} file the hubs are given as {@code nats.creds}. The data path works
 * end to end, exactly once; the seed in the file appears in no log.
 */
class NatsCredsDrillTest {
    private static final Path DIR = operatorSetup();

    @RegisterExtension
    static final NatsFixture NATS =
            NatsFixture.single("-c", DIR.resolve("operator.conf").toString());

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void bothHubsStoreExactlyOnceWithACredsFile() throws Exception {
        hubs.secret("the user's seed", Files.readString(DIR.resolve("user.seed")));
        String nats = "nats:\n  creds: " + DIR.resolve("hub.creds") + "\n";
        HubProcess central = hubs.central("creds-central", nats);
        HubProcess edge = hubs.edge("creds-edge", nats + "collect:\n  enabled: false\n");
        SequencedWriter writer = new SequencedWriter("creds");
        for (int i = 0; i < 5; i++) {
            assertThat(writer.write(edge.url(), 200)).isTrue();
        }
        CentralClient api = new CentralClient(central.url());
        assertThat(api.awaitStored(writer, "creds-edge"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
    }

    /**
     * Operator, system account, account (JetStream unlimited) and user JWTs signed in turn, a server config and a
     * .creds file.
     */
    private static Path operatorSetup() {
        try {
            Path dir = Files.createTempDirectory("dualhub-creds-");
            SecureRandom random = new SecureRandom();
            NKey operator = NKey.createOperator(random);
            NKey account = NKey.createAccount(random);
            NKey user = NKey.createUser(random);
            NKey system = NKey.createAccount(random);
            String operatorKey = new String(operator.getPublicKey());
            String accountKey = new String(account.getPublicKey());
            long now = JwtUtils.currentTimeSeconds();
            String operatorJwt = JwtUtils.issueJWT(
                    operator,
                    operatorKey,
                    "dualhub-test",
                    null,
                    now,
                    operatorKey,
                    claim("{\"type\":\"operator\",\"version\":2}"));
            String accountJwt = JwtUtils.issueJWT(
                    operator,
                    accountKey,
                    "DUALHUB",
                    null,
                    now,
                    operatorKey,
                    claim("{\"limits\":{\"subs\":-1,\"data\":-1,\"payload\":-1,\"imports\":-1,\"exports\":-1,"
                            + "\"wildcards\":true,\"conn\":-1,\"leaf\":-1,\"mem_storage\":-1,\"disk_storage\":-1,"
                            + "\"streams\":-1,\"consumer\":-1},\"type\":\"account\",\"version\":2}"));
            String systemKey = new String(system.getPublicKey());
            String systemJwt = JwtUtils.issueJWT(
                    operator, systemKey, "SYS", null, now, operatorKey, claim("{\"type\":\"account\",\"version\":2}"));
            String userJwt = JwtUtils.issueUserJWT(account, accountKey, new String(user.getPublicKey()));
            Files.writeString(dir.resolve("operator.jwt"), operatorJwt);
            Files.writeString(
                    dir.resolve("operator.conf"),
                    "operator: " + dir.resolve("operator.jwt") + "\n"
                            + "system_account: " + systemKey + "\nresolver: MEMORY\nresolver_preload: {\n  "
                            + accountKey + ": "
                            + accountJwt + "\n  " + systemKey + ": " + systemJwt + "\n}\n");
            Files.writeString(dir.resolve("user.seed"), new String(user.getSeed()));
            Files.writeString(
                    dir.resolve("hub.creds"),
                    "-----BEGIN NATS USER JWT-----\n" + userJwt
                            + "\n------END NATS USER JWT------\n\n-----BEGIN USER NKEY SEED-----\n"
                            + new String(user.getSeed())
                            + "\n------END USER NKEY SEED------\n");
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonSerializable claim(String json) {
        return () -> json;
    }
}
