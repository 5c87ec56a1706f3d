package io.dualhub.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The files `nats-user` keeps (the server's acceptance of them is NatsPermissionsDrillTest). */
class NatsUsersTest {
    @TempDir
    Path dir;

    private static CliRun run(String... args) {
        return CliRun.of(new NatsUserCommand(new PrintStream(new ByteArrayOutputStream())), args);
    }

    @Test
    void theSeedIsPrivateTheServerGetsOnlyThePublicKeyAndRemovingRewrites() throws Exception {
        Path seed = dir.resolve("web-3.nk");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--seed", seed.toString())
                        .status())
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
        CliRun again = run(
                "edge",
                "web-3",
                "--dir",
                dir.toString(),
                "--seed",
                dir.resolve("b").toString());
        assertThat(again.status()).isEqualTo(Cli.REFUSED);
        assertThat(again.err()).hasLineCount(1).contains("edge web-3 exists");
        assertThat(run("edge", "web-3", "--dir", dir.toString(), "--remove").status())
                .isZero();
        assertThat(Files.readString(dir.resolve("accounts.conf"))).doesNotContain(publicKey);
    }

    @Test
    void badUsageIsExitTwo() {
        assertThat(run("edge").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge").err()).hasLineCount(1).contains("NAME");
        assertThat(run("admin", "x").err()).hasLineCount(1).contains("'admin' is not a role");
        assertThat(run("admin", "x").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge", "web.3").status()).isEqualTo(Cli.USAGE);
        assertThat(run("edge", "web.3").err()).hasLineCount(1).contains("'web.3'");
        CliRun.assertStandardFlags(NatsUserCommand::new, "--seed", "edge", "web-3");
    }
}
