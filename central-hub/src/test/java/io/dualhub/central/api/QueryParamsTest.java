package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.store.SeriesQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
    private static final long NOW = 1_795_400_000_000L;

    private static SeriesQuery parse(Map<String, List<String>> params) {
        return QueryParams.parse(params, NOW, Duration.ofHours(1));
    }

    @Test
    void parsesEveryParameter() {
        SeriesQuery q = parse(Map.of(
                "metric",
                List.of("host_load1"),
                "edge",
                List.of("web-3"),
                "tag.mountpoint",
                List.of("/var"),
                "from",
                List.of("2026-11-22T10:00:00Z"),
                "to",
                List.of("1795400000000"),
                "step",
                List.of("1m")));
        assertThat(q)
                .isEqualTo(new SeriesQuery(
                        "host_load1", "web-3", Map.of("mountpoint", "/var"), 1795341600000L, 1795400000000L, 60_000));
    }

    @Test
    void defaultsToTheLastHourAndRawPoints() {
        SeriesQuery q = parse(Map.of("metric", List.of("m")));
        assertThat(q.fromMs()).isEqualTo(NOW - 3_600_000);
        assertThat(q.toMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.stepMs()).isZero();
    }

    @Test
    void namesTheBadParameter() {
        assertThatThrownBy(() -> parse(Map.of())).hasMessageContaining("'metric' is required");
        assertThatThrownBy(() -> parse(Map.of("metric", List.of("m"), "from", List.of("yesterday"))))
                .hasMessageContaining("'from'='yesterday'");
        assertThatThrownBy(() -> parse(Map.of("metric", List.of("m"), "step", List.of("0s"))))
                .hasMessageContaining("'step'='0s'");
        assertThatThrownBy(() -> parse(Map.of("metric", List.of("m"), "from", List.of("5"), "to", List.of("4"))))
                .hasMessageContaining("after 'to'");
    }

    /** A measurement written with '-' or '.' is stored under its sanitized name: asking for the raw one says so. */
    @Test
    void aMetricNameThatCannotBeStoredNamesTheOneThatIs() {
        assertThatThrownBy(() -> parse(Map.of("metric", List.of("lost-queue_n"))))
                .hasMessageContaining("'metric'='lost-queue_n'")
                .hasMessageContaining("'lost_queue_n'");
    }
}
