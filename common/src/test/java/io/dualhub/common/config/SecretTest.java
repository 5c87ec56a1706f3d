package io.dualhub.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SecretTest {
    @TempDir
    Path dir;

    @Test
    void readsFromAFileOrAVariableAndNeverPrintsTheValue() throws Exception {
        Path file = Files.writeString(dir.resolve("pw"), "s3cr3t-value\n");
        Secret fromFile = Secret.resolve("nats.password", "file:" + file, Map.<String, String>of()::get);
        assertThat(fromFile.value()).isEqualTo("s3cr3t-value");
        assertThat(fromFile.toString()).doesNotContain("s3cr3t").contains("file:", "hidden");
        Secret fromEnv = Secret.resolve("nats.token", "env:TOKEN", Map.of("TOKEN", "tok-123")::get);
        assertThat(fromEnv.value()).isEqualTo("tok-123");
        assertThat(fromEnv.toString()).isEqualTo("env:TOKEN (hidden)");
    }

    @Test
    void anInlineSecretIsRefusedWithoutEchoingIt() {
        assertThatThrownBy(() -> Secret.resolve("nats.password", "hunter2", k -> null))
                .hasMessageContaining("nats.password")
                .hasMessageContaining("env:VARIABLE or file:")
                .hasMessageNotContaining("hunter2");
        assertThatThrownBy(() -> Secret.resolve("nats.token", "env:NOPE", k -> null))
                .hasMessageContaining("NOPE, which is not set");
        assertThatThrownBy(() -> Secret.resolve("nats.token", "file:" + dir.resolve("missing"), k -> null))
                .hasMessageContaining("cannot be read");
    }
}
