package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The security drills' net: a registered secret in any log under the drill's directory is found, and named only. */
class HubsSecretsTest {
    @TempDir
    Path dir;

    @Test
    void aSecretInAnyLogIsFoundAndReportedWithoutItsValue() throws Exception {
        Files.createDirectories(dir.resolve("edge"));
        Files.writeString(dir.resolve("central.log"), "INFO connected\n");
        Files.writeString(dir.resolve("edge/edge.log"), "WARN auth with pw-5e1c9b2a failed\n");
        Files.writeString(dir.resolve("edge/pw.txt"), "pw-5e1c9b2a\n"); // not a log: the secret's own file
        try (Hubs hubs = new Hubs(dir, "nats://127.0.0.1:1")) {
            assertThat(hubs.secretsInLogs()).isEmpty();
            hubs.secret("the password", "pw-5e1c9b2a\n")
                    .secret("a key", "-----BEGIN KEY-----\nAAAABBBBCCCC\n" + "DDDDEEEEFFFF\n-----END KEY-----\n");
            assertThat(hubs.secretsInLogs()).containsExactly("the password in edge/edge.log");
            Files.writeString(dir.resolve("central.log"), "DEBUG key DDDDEEEEFFFF\n");
            assertThat(hubs.secretsInLogs())
                    .containsExactlyInAnyOrder("the password in edge/edge.log", "a key (line 2) in central.log")
                    .noneMatch(l -> l.contains("pw-5e1c9b2a"));
        }
    }
}
