package io.dualhub.central.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.alerting.AlertingSettings;
import io.dualhub.central.analysis.AnalysisSettings;
import io.dualhub.central.export.ExportSettings;
import io.dualhub.central.export.ExportTarget;
import io.dualhub.central.store.StoreSettings;
import io.dualhub.common.Partition;
import io.dualhub.common.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CentralConfigTest {
    @Test
    void defaults() {
        CentralConfig c = CentralConfig.load(null, Map.of());
        assertThat(c.instance()).isEqualTo("main");
        assertThat(c.httpPort()).isEqualTo(8470);
        assertThat(c.stream().replicas()).isEqualTo(1);
        assertThat(c.store())
                .as("the store.* keys' defaults are StoreSettings' named ones")
                .isEqualTo(StoreSettings.ofDefaults());
        assertThat(c.export()).isEqualTo(ExportSettings.ofDefaults());
        assertThat(c.alerting()).isEqualTo(AlertingSettings.ofDefaults());
        assertThat(c.analysis()).isEqualTo(AnalysisSettings.ofDefaults());
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("instance", "a.b")))
                .hasMessageContaining("instance='a.b'");
        refusedNamingTheKey("stream.replicas", "7", "1 to 5");
        refusedNamingTheKey("http.threads", "0", "1 to 1024");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("ingest.fetch-wait", "soon")))
                .hasMessageContaining("ingest.fetch-wait='soon'");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("analysis.cpu-share", "0")))
                .hasMessageContaining("analysis.cpu-share='0'");
        refusedNamingTheKey("store.rollup-1m-retention", "1d", "at least store.retention (15d)");
        refusedNamingTheKey("export.max-backoff", "10ms", "at least 100ms");
        refusedNamingTheKey("export.parallel-requests", "65", "an integer from 1 to 64");
        refusedNamingTheKey("alerting.webhook.max-pending", "0", "1 to 1000000");
        refusedNamingTheKey("analysis.alert-threshold", "2", "0.01 to 1");
        refusedNamingTheKey("store.memory-limit", "32MiB", "at least 67108864 bytes");
    }

    /** Beyond loopback an open API is refused unless it is meant; loopback and tokens start as before. */
    @Test
    void anApiBeyondLoopbackNeedsTokensOrSaysItIsOpenOnPurpose() throws Exception {
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("http.host", "0.0.0.0")))
                .hasMessageContaining("http.host='0.0.0.0' is not a loopback address and no API token is set")
                .hasMessageContaining("api.viewer-token")
                .hasMessageContaining("api.anonymous: true");
        assertThat(CentralConfig.load(null, Map.of("http.host", "0.0.0.0", "api.anonymous", "true"))
                        .httpHost())
                .isEqualTo("0.0.0.0");
        assertThat(CentralConfig.load(null, Map.of("http.host", "localhost")).httpHost())
                .isEqualTo("localhost");
        assertThat(CentralConfig.load(null, Map.of("http.host", "::1")).httpHost())
                .isEqualTo("::1");
        Path token = Files.createTempFile("viewer", ".token");
        Files.writeString(token, "t0ken\n");
        assertThat(CentralConfig.load(null, Map.of("http.host", "0.0.0.0", "api.viewer-token", "file:" + token))
                        .api()
                        .open())
                .isFalse();
    }

    @Test
    void analysisRestsSoItsWorkIsItsShareOfACore() {
        CentralConfig c = CentralConfig.load(null, Map.of());
        assertThat(c.analysis().cpuShare()).isEqualTo(0.25);
        assertThat(c.analysis().restAfter(1_000_000))
                .as("1 ms of work, then 3 ms of rest: 25 %")
                .isEqualTo(3_000_000);
        CentralConfig whole = CentralConfig.load(null, Map.of("analysis.cpu-share", "1"));
        assertThat(whole.analysis().restAfter(1_000_000)).isZero();
    }

    @Test
    void aPartitionIsOneOfTheGroups() {
        assertThat(CentralConfig.load(null, Map.of()).partition()).isEqualTo(Partition.WHOLE);
        assertThat(CentralConfig.load(null, Map.of("central.partitions", "2", "central.partition", "1"))
                        .partition())
                .isEqualTo(new Partition(2, 1));
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("central.partitions", "2", "central.partition", "2")))
                .hasMessageContaining("central.partition='2'")
                .hasMessageContaining("0 to 1 (central.partitions is 2)");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("central.partition", "one")))
                .hasMessageContaining("central.partition='one'");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("central.partitions", "0")))
                .hasMessageContaining("central.partitions='0'");
    }

    @Test
    void readmeDocumentsExactlyTheKeysTheCodeReads() throws Exception {
        String readme = Files.readString(Path.of("..", "docs", "configuration.md"));
        assertThat(ConfigReference.mismatches(readme, "CentralHub configuration", CentralConfig.KEYS))
                .isEmpty();
    }

    @Test
    void exportTargetsFromAListWithHeadersCredentialsAndChecks() throws Exception {
        Path password = Files.createTempFile("vm", ".password");
        Files.writeString(password, "pw\n");
        Path yaml = Files.createTempFile("central", ".yml");
        Files.writeString(yaml, """
                export:
                  remote-write:
                    urls: http://127.0.0.1:8428/api/v1/write
                    targets:
                      - url: https://mimir.example/api/v1/push
                        headers: ["X-Scope-OrgID: fleet"]
                      - url: http://vm.example:8428/api/v1/write
                        basic-auth: {username: dualhub, password: "file:%s"}
                """.formatted(password));
        List<ExportTarget> targets = CentralConfig.load(yaml, Map.of()).export().targets();
        assertThat(targets)
                .extracting(t -> t.url().toString())
                .containsExactly(
                        "http://127.0.0.1:8428/api/v1/write",
                        "https://mimir.example/api/v1/push",
                        "http://vm.example:8428/api/v1/write");
        assertThat(targets.get(1).headers()).containsEntry("X-Scope-OrgID", "fleet");
        assertThat(targets.get(2).username()).isEqualTo("dualhub");
        assertThat(targets.get(2).password().value()).isEqualTo("pw");

        assertThatThrownBy(() -> CentralConfig.load(
                        null,
                        Map.of(
                                "export.remote-write.targets.0.url", "http://a/w",
                                "export.remote-write.targets.0.headers", "Authorization: x")))
                .hasMessageContaining("export.remote-write.targets.0.headers='Authorization: x'");
        assertThatThrownBy(() -> CentralConfig.load(
                        null, Map.of("export.remote-write.targets.0.headers", "X-Scope-OrgID: fleet")))
                .as("an element without its URL")
                .hasMessageContaining("export.remote-write.targets.0.url='' (from defaults): must be one http://");
        assertThatThrownBy(() -> CentralConfig.load(
                        null,
                        Map.of(
                                "export.remote-write.targets.0.url", "http://a/w",
                                "export.remote-write.targets.0.basic-auth.username", "u")))
                .hasMessageContaining("export.remote-write.targets.0.basic-auth needs both username and password");
        assertThatThrownBy(() -> CentralConfig.load(
                        null,
                        Map.of(
                                "export.remote-write.urls", "http://a/w",
                                "export.remote-write.targets.0.url", "http://a/w")))
                .hasMessageContaining("is named twice");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("export.remote-write.targets.0.uri", "http://a/w")))
                .hasMessageContaining("unknown configuration key 'export.remote-write.targets.0.uri'");
    }

    /** The key's value is refused with one line that names the key, the value and what would be valid. */
    private static void refusedNamingTheKey(String key, String value, String valid) {
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of(key, value)))
                .hasMessageContaining(key + "='" + value + "'")
                .hasMessageContaining(valid);
    }
}
