package io.dualhub.edge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.ConfigReference;
import io.dualhub.common.config.InvalidSetting;
import io.dualhub.edge.buffer.BufferSettings;
import io.dualhub.edge.command.ResendSettings;
import io.dualhub.edge.forward.ForwarderConfig;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EdgeConfigTest {
    /** Each settings builder starts where the configuration's defaults are. */
    @Test
    void theSettingsBuildersStartFromTheDefaultsOfTheKeys() {
        EdgeConfig defaults = EdgeConfig.load(null, Map.of());
        assertThat(ForwarderConfig.ofDefaults()).isEqualTo(defaults.forward());
        assertThat(BufferSettings.ofDefaults()).isEqualTo(defaults.buffer());
        assertThat(ResendSettings.ofDefaults()).isEqualTo(defaults.resend());
    }

    @Test
    void defaultsAreValidAndIdDefaultsToAHostNameBasedId() {
        EdgeConfig c = EdgeConfig.load(null, Map.of());
        assertThat(c.id()).matches("[A-Za-z0-9_-]{1,64}");
        assertThat(c.httpPort()).isEqualTo(8471);
        assertThat(c.httpHost()).isEqualTo("127.0.0.1");
        assertThat(c.buffer().retention()).isEqualTo(Duration.ofHours(24));
        assertThat(c.maxBodyBytes()).isEqualTo(8L << 20);
        assertThat(c.maxPoints()).isEqualTo(50_000);
    }

    @Test
    void anInvalidEdgeIdStopsStartUpNamingIt() {
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("id", "web.3")))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("id='web.3'")
                .hasMessageContaining("[A-Za-z0-9_-]{1,64}");
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("id", "x".repeat(65))))
                .isInstanceOf(ConfigException.class);
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("nats.servers", "localhost:4222")))
                .hasMessageContaining("nats.servers contains 'localhost:4222'");
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("forward.window", "0")))
                .hasMessageContaining("forward.window='0'");
        refusedNamingTheKey("forward.retry.max-interval", "10ms", "initial-interval");
        refusedNamingTheKey("buffer.max-batch-bytes", "1GiB", "a size from 1KiB to 8MiB");
        refusedNamingTheKey("buffer.max-bytes", "64KiB", "at least buffer.max-batch-bytes (512KiB)");
        refusedNamingTheKey("resend.max-in-flight", "10", "at least 1024 bytes");
        refusedNamingTheKey("buffer.overflow", "keep-all", "drop-oldest or reject");
    }

    /**
     * A forwarder bound is checked once, by ForwarderConfig, with one message: the same for a value from the
     * configuration (with its origin) and for one given to the builder.
     */
    @Test
    void aForwarderBoundIsCheckedOnceWithOneMessage() {
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("forward.retry.multiplier", "0.5")))
                .isInstanceOf(ConfigException.class)
                .hasMessage(
                        "invalid configuration: forward.retry.multiplier='0.5' (from command line): must be a number"
                                + " from 1 to 100");
        assertThatThrownBy(() -> ForwarderConfig.custom()
                        .retry(Duration.ofMillis(1), 0.5, Duration.ofSeconds(1))
                        .build())
                .isInstanceOf(InvalidSetting.class)
                .hasMessage("forward.retry.multiplier=0.5: must be a number from 1 to 100");
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("forward.window", "many")))
                .as("a value that is not even a number is refused where it is read")
                .hasMessage("invalid configuration: forward.window='many' (from command line): must be an integer");
    }

    @Test
    void scrapeTargetsAreReadFromYamlAndEachUrlIsATargetOfItsOwn() throws Exception {
        Path yaml = Files.createTempFile("edge", ".yml");
        Files.writeString(yaml, """
                scrape:
                  interval: 30s
                  targets:
                    - job: node
                      urls: [http://127.0.0.1:9100/metrics, https://db-1/metrics]
                      labels: {site: lab}
                    - job: app
                      urls: [http://127.0.0.1:8080/actuator/prometheus]
                      interval: 5s
                      honor-labels: true
                """);
        var targets = EdgeConfig.load(yaml, Map.of()).scrape().targets();
        assertThat(targets)
                .extracting(t -> t.job() + " " + t.instance() + " " + t.interval() + " " + t.timeout() + " "
                        + t.labels() + " " + t.honorLabels())
                .containsExactly(
                        "node 127.0.0.1:9100 PT30S PT10S {site=lab} false",
                        "node db-1:443 PT30S PT10S {site=lab} false",
                        "app 127.0.0.1:8080 PT5S PT5S {} true");
    }

    @Test
    void aBadScrapeTargetNamesItsKeyAndWhatIsValid() {
        Map<String, String> base = Map.of("scrape.targets.0.urls", "http://127.0.0.1:9100/metrics");
        assertThatThrownBy(() -> EdgeConfig.load(null, base))
                .hasMessageContaining("scrape.targets.0.job=''")
                .hasMessageContaining("needs one");
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("scrape.targets.0.job", "node")))
                .hasMessageContaining("scrape.targets.0.urls");
        assertThatThrownBy(() -> EdgeConfig.load(
                        null,
                        Map.of(
                                "scrape.targets.0.job",
                                "node",
                                "scrape.targets.0.urls",
                                "http://a/m",
                                "scrape.targets.0.interval",
                                "5s",
                                "scrape.targets.0.timeout",
                                "6s")))
                .hasMessageContaining("scrape.targets.0.timeout='6s'")
                .hasMessageContaining("at most the target's interval");
        assertThatThrownBy(() -> EdgeConfig.load(
                        null,
                        Map.of(
                                "scrape.targets.0.job",
                                "node",
                                "scrape.targets.0.urls",
                                "http://a/m",
                                "scrape.targets.0.labels.edge",
                                "x")))
                .hasMessageContaining("scrape.targets.0.labels.edge='x'")
                .hasMessageContaining("not edge");
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of("scrape.interval", "2h")))
                .hasMessageContaining("scrape.interval='2h'");
    }

    /** The refusal docs/configuration.md shows is the one a file with that value gets. */
    @Test
    void theDocumentedRefusalIsTheOneStartUpPrints() throws Exception {
        Path yaml = Files.createTempDirectory("edge-config").resolve("edge.yml");
        Files.writeString(yaml, "buffer:\n  max-bytes: 64KiB\n");
        assertThatThrownBy(() -> EdgeConfig.load(yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(Files.readString(Path.of("..", "docs", "configuration.md")))
                        .contains("dualhub edge: " + e.getMessage().replace(yaml.toString(), "edge.yml")));
    }

    @Test
    void readmeDocumentsExactlyTheKeysTheCodeReads() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(ConfigReference.mismatches(readme, "Edge configuration", EdgeConfig.KEYS))
                .isEmpty();
    }

    /** The key's value is refused with one line that names the key, the value and what would be valid. */
    private static void refusedNamingTheKey(String key, String value, String valid) {
        assertThatThrownBy(() -> EdgeConfig.load(null, Map.of(key, value)))
                .hasMessageContaining(key + "='" + value + "'")
                .hasMessageContaining(valid);
    }
}
