package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.Secret;
import io.nats.client.NKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Authentication settings are checked at start-up, name the key, and never echo a secret (the good paths are drills).
 */
class NatsAuthTest {
    @TempDir
    Path dir;

    private Secret secretFile(String name, String value) throws Exception {
        Path file = Files.writeString(dir.resolve(name), value + "\n");
        return Secret.resolve("nats.nkey", "file:" + file, n -> null);
    }

    @Test
    void anNkeyMustBeAUserSeed() throws Exception {
        String accountSeed = new String(NKey.createAccount(new SecureRandom()).getSeed());
        assertThatThrownBy(() -> new NatsAuth("", null, null, secretFile("account.nk", accountSeed), null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.nkey")
                .hasMessageContaining("not a user NKey seed")
                .hasMessageNotContaining(accountSeed);
        assertThatThrownBy(() -> new NatsAuth("", null, null, secretFile("junk.nk", "SUjunk"), null))
                .hasMessageContaining("not a user NKey seed")
                .hasMessageNotContaining("SUjunk");
        String userSeed = new String(NKey.createUser(new SecureRandom()).getSeed());
        assertThat(new NatsAuth("", null, null, secretFile("user.nk", userSeed), null).nkey())
                .isNotNull();
    }

    @Test
    void aCredsFileMustBeReadable() {
        assertThatThrownBy(() -> new NatsAuth("", null, null, null, dir.resolve("missing.creds")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.creds names")
                .hasMessageContaining("cannot be read");
    }

    @Test
    void oneWayToAuthenticate() throws Exception {
        String userSeed = new String(NKey.createUser(new SecureRandom()).getSeed());
        Path creds = Files.writeString(dir.resolve("hub.creds"), "x");
        assertThatThrownBy(() -> new NatsAuth("", null, null, secretFile("user.nk", userSeed), creds))
                .hasMessageContaining("nats.nkey and nats.creds are different ways to authenticate: give one");
        assertThatThrownBy(() -> new NatsAuth("hub", null, null, null, null))
                .hasMessageContaining("nats.user and nats.password go together");
    }
}
