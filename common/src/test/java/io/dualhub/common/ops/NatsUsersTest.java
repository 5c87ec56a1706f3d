package io.dualhub.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files `nats-user` keeps (the server's acceptance of them is NatsPermissionsDrillTest). */
class NatsUsersTest {
    @TempDir
    Path dir;

    private int run(String... args) throws Exception {
        return NatsUsers.run(List.of(args), new PrintStream(new ByteArrayOutputStream()));
    }

    @Test
    void theSeedIsPrivateTheServerGetsOnlyThePublicKeyAndRemovingRewrites() throws Exception {
        Path seed = dir.resolve("web-3.nk");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--seed", seed.toString()))
                .isZero();
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(seed)))
                .isEqualTo("rw-------");
        String accounts = Files.readString(dir.resolve("accounts.conf"));
        String publicKey =
                Files.readString(dir.resolve("dualhub-users/edge-web-3.pub")).strip();
        assertThat(accounts)
                .contains("\"nkey\":\"" + publicKey + "\"")
                .contains("\"dualhub.metrics.web-3\"")
                .contains("\"_INBOX.web-3.>\"")
                .doesNotContain(Files.readString(seed).strip());
        assertThat(Files.readString(dir.resolve("accounts-values.yaml")))
                .as("the same account for the Helm chart")
                .contains(publicKey, "\"dualhub.events.web-3.>\"")
                .doesNotContain(Files.readString(seed).strip());
        assertThatThrownBy(() -> run(
                        "edge",
                        "web-3",
                        "--dir",
                        dir.toString(),
                        "--seed",
                        dir.resolve("b").toString()))
                .hasMessageContaining("edge web-3 exists");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--remove")).isZero();
        assertThat(Files.readString(dir.resolve("accounts.conf"))).doesNotContain(publicKey);
    }

    @Test
    void badUsageIsExitTwo() throws Exception {
        assertThat(run("edge")).isEqualTo(2);
        assertThat(run("admin", "x")).isEqualTo(2);
        assertThat(run("edge", "web.3")).isEqualTo(2);
    }
}
