package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class NatsSettingsTest {
    private static NatsSettings servers(String... urls) {
        return new NatsSettings(List.of(urls), Duration.ofSeconds(1), Duration.ofSeconds(1), 2, Duration.ofSeconds(1),
                Duration.ofMillis(100), true);
    }

    /** A password in a URL would end up in logs and process listings: refused, naming the keys to use, not echoed. */
    @Test
    void aServerUrlCarryingCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> servers("nats://127.0.0.1:4222", "nats://alice:s3cret@127.0.0.1:4223"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.servers contains credentials ('nats://***@127.0.0.1:4223')")
                .hasMessageContaining("nats.user").hasMessageContaining("nats.password").hasMessageContaining("nats.token")
                .hasMessageNotContaining("s3cret").hasMessageNotContaining("alice");
        assertThatThrownBy(() -> servers("nats://tok3n@127.0.0.1:4222")).hasMessageNotContaining("tok3n");
    }
}
