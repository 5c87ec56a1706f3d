package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.Settings;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class NatsSettingsTest {
    private static NatsSettings servers(String... urls) {
        return NatsSettings.custom(urls)
                .connectTimeout(Duration.ofSeconds(1))
                .pingInterval(Duration.ofSeconds(1))
                .reconnectWait(Duration.ofSeconds(1))
                .build();
    }

    /** The builder's defaults are the configuration keys' defaults. */
    @Test
    void theBuilderStartsFromTheDefaultsOfTheKeys() {
        NatsSettings configured = NatsSettings.from(Settings.load(NatsSettings.KEYS, null, Map.of()));
        assertThat(NatsSettings.custom(configured.servers()).build()).isEqualTo(configured);
    }

    /** A password in a URL would end up in logs and process listings: refused, naming the keys to use, not echoed. */
    @Test
    void aServerUrlCarryingCredentialsIsRefusedWithoutRepeatingThem() {
        assertThatThrownBy(() -> servers("nats://127.0.0.1:4222", "nats://alice:s3cret@127.0.0.1:4223"))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.servers contains credentials ('nats://***@127.0.0.1:4223')")
                .hasMessageContaining("nats.user")
                .hasMessageContaining("nats.password")
                .hasMessageContaining("nats.token")
                .hasMessageNotContaining("s3cret")
                .hasMessageNotContaining("alice");
        assertThatThrownBy(() -> servers("nats://tok3n@127.0.0.1:4222")).hasMessageNotContaining("tok3n");
    }
}
