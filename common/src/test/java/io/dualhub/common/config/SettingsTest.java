package io.dualhub.common.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsTest {
    private static final List<ConfigKey> SCHEMA = List.of(
            new ConfigKey("http.port", "8471", "port"),
            new ConfigKey("buffer.retention", "24h", "retention"),
            new ConfigKey("http.max-body", "16MiB", "limit"),
            new ConfigKey("nats.servers", "nats://a:4222", "servers"));

    @TempDir
    Path dir;

    @Test
    void layersDefaultsFileAndFlags() throws Exception {
        Path yaml = dir.resolve("c.yml");
        Files.writeString(
                yaml, "http:\n  port: 9000\nbuffer:\n  retention: 2h\nnats:\n  servers: [nats://x:1, nats://y:2]\n");
        Settings s = Settings.load(SCHEMA, yaml, Map.of("http.port", "9100"));
        assertThat(s.intBetween("http.port", 0, 65535)).isEqualTo(9100);
        assertThat(s.duration("buffer.retention", Duration.ZERO)).isEqualTo(Duration.ofHours(2));
        assertThat(s.bytes("http.max-body", 1)).isEqualTo(16L << 20);
        assertThat(s.list("nats.servers")).containsExactly("nats://x:1", "nats://y:2");
    }

    @Test
    void aMappingKeyTakesAnyNameOneLevelUnderItInEachListElement() throws Exception {
        List<ConfigKey> schema = List.of(
                new ConfigKey("scrape.targets[].job", "", "job"),
                new ConfigKey("scrape.targets[].labels.*", "", "labels"));
        Path yaml = dir.resolve("c.yml");
        Files.writeString(
                yaml, "scrape:\n  targets:\n    - job: node\n      labels: {site: lab, rack: r1}\n    - job: app\n");
        Settings s = Settings.load(schema, yaml, Map.of());
        assertThat(s.elements("scrape.targets")).isEqualTo(2);
        assertThat(s.mapping("scrape.targets.0.labels"))
                .containsExactly(Map.entry("site", "lab"), Map.entry("rack", "r1"));
        assertThat(s.mapping("scrape.targets.1.labels")).isEmpty();

        Files.writeString(yaml, "scrape:\n  targets:\n    - job: node\n      labels: {site: {deep: x}}\n");
        assertThatThrownBy(() -> Settings.load(schema, yaml, Map.of()))
                .hasMessageContaining("unknown configuration key 'scrape.targets.0.labels.site.deep'");
    }

    @Test
    void unknownKeyNamesItAndTheValidOnes() throws Exception {
        Path yaml = dir.resolve("c.yml");
        Files.writeString(yaml, "http:\n  prot: 9000\n");
        assertThatThrownBy(() -> Settings.load(SCHEMA, yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("unknown configuration key 'http.prot'")
                .hasMessageContaining("http.port");
    }

    @Test
    void invalidValueNamesKeyValueOriginAndWhatIsValid() throws Exception {
        Path yaml = dir.resolve("c.yml");
        Files.writeString(yaml, "buffer:\n  retention: 3 days\n");
        Settings s = Settings.load(SCHEMA, yaml, Map.of("http.port", "70000", "http.max-body", "16MB"));
        assertThatThrownBy(() -> s.duration("buffer.retention", Duration.ZERO))
                .hasMessage("invalid configuration: buffer.retention='3 days' (from " + yaml
                        + "): must be a duration of at least 0ms written like 500ms, 10s, 5m, 24h or 7d");
        assertThatThrownBy(() -> s.intBetween("http.port", 0, 65535))
                .hasMessageContaining("http.port='70000' (from command line)")
                .hasMessageContaining("0 to 65535");
        assertThatThrownBy(() -> s.bytes("http.max-body", 1))
                .hasMessageContaining("http.max-body='16MB'")
                .hasMessageContaining("16MiB");
    }

    @Test
    void brokenYamlIsOneClearLine() throws Exception {
        Path yaml = dir.resolve("c.yml");
        Files.writeString(yaml, "http: [unclosed\n");
        assertThatThrownBy(() -> Settings.load(SCHEMA, yaml, Map.of()))
                .isInstanceOf(ConfigException.class)
                .hasMessageStartingWith("config file " + yaml + " is not valid YAML")
                .hasMessageNotContaining("\n");
        assertThatThrownBy(() -> Settings.load(SCHEMA, dir.resolve("missing.yml"), Map.of()))
                .hasMessageStartingWith("cannot read config file");
    }

    @Test
    void referenceTableRoundTrips() {
        String md = "## Edge configuration\n\n" + ConfigReference.render(SCHEMA) + "\n## Other\n| `x` | `y` | z |\n";
        assertThat(ConfigReference.parse(md, "Edge configuration"))
                .containsExactlyInAnyOrderEntriesOf(Map.of(
                        "http.port",
                        "8471",
                        "buffer.retention",
                        "24h",
                        "http.max-body",
                        "16MiB",
                        "nats.servers",
                        "nats://a:4222"));
    }
}
