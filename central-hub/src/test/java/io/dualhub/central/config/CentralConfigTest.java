package io.dualhub.central.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigReference;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CentralConfigTest {
    @Test
    void defaults() {
        CentralConfig c = CentralConfig.load(null, Map.of());
        assertThat(c.instance()).isEqualTo("main");
        assertThat(c.httpPort()).isEqualTo(8470);
        assertThat(c.stream().replicas()).isEqualTo(1);
    }

    @Test
    void invalidValuesNameTheKey() {
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("instance", "a.b")))
                .hasMessageContaining("instance='a.b'");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("stream.replicas", "7")))
                .hasMessageContaining("stream.replicas='7'").hasMessageContaining("1 to 5");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("ingest.fetch-wait", "soon")))
                .hasMessageContaining("ingest.fetch-wait='soon'");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("analysis.cpu-share", "0")))
                .hasMessageContaining("analysis.cpu-share='0'");
    }

    @Test
    void analysisRestsSoItsWorkIsItsShareOfACore() {
        CentralConfig c = CentralConfig.load(null, Map.of());
        assertThat(c.analysis().cpuShare()).isEqualTo(0.25);
        assertThat(c.analysis().restAfter(1_000_000)).as("1 ms of work, then 3 ms of rest: 25 %").isEqualTo(3_000_000);
        CentralConfig whole = CentralConfig.load(null, Map.of("analysis.cpu-share", "1"));
        assertThat(whole.analysis().restAfter(1_000_000)).isZero();
    }

    @Test
    void readmeDocumentsExactlyTheKeysTheCodeReads() throws Exception {
        String readme = Files.readString(Path.of("..", "README.md"));
        assertThat(ConfigReference.mismatches(readme, "CentralHub configuration", CentralConfig.KEYS)).isEmpty();
    }
}
