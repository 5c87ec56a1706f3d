package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.store.SeriesQuery;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class QueryParamsTest {
    @Test
    void parsesEveryParameter() {
        SeriesQuery q = QueryParams.parse(Map.of("metric", List.of("host_load1"), "edge", List.of("web-3"),
                "tag.mountpoint", List.of("/var"), "from", List.of("2026-11-22T10:00:00Z"),
                "to", List.of("1795400000000"), "step", List.of("1m")));
        assertThat(q).isEqualTo(new SeriesQuery("host_load1", "web-3", Map.of("mountpoint", "/var"),
                1795341600000L, 1795400000000L, 60_000));
    }

    @Test
    void defaultsToAllTimeAndRawPoints() {
        SeriesQuery q = QueryParams.parse(Map.of("metric", List.of("m")));
        assertThat(q.fromMs()).isZero();
        assertThat(q.toMs()).isEqualTo(Long.MAX_VALUE);
        assertThat(q.stepMs()).isZero();
    }

    @Test
    void namesTheBadParameter() {
        assertThatThrownBy(() -> QueryParams.parse(Map.of())).hasMessageContaining("'metric' is required");
        assertThatThrownBy(() -> QueryParams.parse(Map.of("metric", List.of("m"), "from", List.of("yesterday"))))
                .hasMessageContaining("'from'='yesterday'");
        assertThatThrownBy(() -> QueryParams.parse(Map.of("metric", List.of("m"), "step", List.of("0s"))))
                .hasMessageContaining("'step'='0s'");
        assertThatThrownBy(() -> QueryParams.parse(Map.of("metric", List.of("m"), "from", List.of("5"),
                "to", List.of("4")))).hasMessageContaining("after 'to'");
    }
}
