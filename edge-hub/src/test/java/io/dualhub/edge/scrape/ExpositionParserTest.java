package io.dualhub.edge.scrape;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;

class ExpositionParserTest {
    private static List<ExposedSample> text(String page) {
        return new ExpositionParser(false, 1000).parse(page);
    }

    private static ExposedSample sample(String name, Map<String, String> labels, double value, long ts) {
        return new ExposedSample(name, new TreeMap<>(labels), value, ts);
    }

    @Test
    void readsAPageAsNodeExporterServesIt() {
        String page = """
                # HELP node_cpu_seconds_total Seconds the CPUs spent in each mode.
                # TYPE node_cpu_seconds_total counter
                node_cpu_seconds_total{cpu="0",mode="idle"} 2.52534905e+06
                node_cpu_seconds_total{cpu="0",mode="user"} 8642.07
                # TYPE node_load1 gauge
                node_load1 0.21

                http_request_duration_seconds_bucket{le="+Inf",path="/a b"} 3 1700000000123
                """;
        assertThat(text(page))
                .containsExactly(
                        sample(
                                "node_cpu_seconds_total",
                                Map.of("cpu", "0", "mode", "idle"),
                                2.52534905e+06,
                                Long.MIN_VALUE),
                        sample("node_cpu_seconds_total", Map.of("cpu", "0", "mode", "user"), 8642.07, Long.MIN_VALUE),
                        sample("node_load1", Map.of(), 0.21, Long.MIN_VALUE),
                        sample(
                                "http_request_duration_seconds_bucket",
                                Map.of("le", "+Inf", "path", "/a b"),
                                3,
                                1_700_000_000_123L));
    }

    @Test
    void labelValuesKeepTheirEscapesAndSpecialValuesAreRead() {
        List<ExposedSample> samples = text("""
                msg{text="say \\"hi\\"\\nback\\\\slash",trailing="x",} NaN
                up_a +Inf
                up_b -Inf
                up_c	1e-3
                """);
        assertThat(samples.get(0).labels())
                .containsEntry("text", "say \"hi\"\nback\\slash")
                .containsEntry("trailing", "x");
        assertThat(samples.get(0).value()).isNaN();
        assertThat(samples.get(1).value()).isEqualTo(Double.POSITIVE_INFINITY);
        assertThat(samples.get(2).value()).isEqualTo(Double.NEGATIVE_INFINITY);
        assertThat(samples.get(3).value()).isEqualTo(0.001);
    }

    @Test
    void openMetricsTimestampsAreSecondsExemplarsAreDroppedAndEofEndsThePage() {
        String page = """
                # TYPE requests counter
                # UNIT requests_seconds seconds
                requests_total{path="/"} 17 1700000000.5 # {trace_id="abc"} 1 1700000000.1
                requests_created{path="/"} 1.6e9
                # EOF
                ignored_after_eof 1
                """;
        List<ExposedSample> samples = new ExpositionParser(true, 1000).parse(page);
        assertThat(samples).extracting(ExposedSample::name).containsExactly("requests_total", "requests_created");
        assertThat(samples.get(0).timestampMs()).isEqualTo(1_700_000_000_500L);
        assertThat(samples.get(0).value()).isEqualTo(17);
    }

    @Test
    void aBadLineFailsThePageNamingTheLineAndWhat() {
        assertThatThrownBy(() -> text("ok 1\nbad{a=\"x\" 2\n"))
                .isInstanceOf(ExpositionException.class)
                .hasMessage("line 2: expected ',' or '}' at column 11");
        assertThatThrownBy(() -> text("a 1\nb 1\n<html>oops</html>"))
                .hasMessageStartingWith("line 3: expected a metric name");
        assertThatThrownBy(() -> text("a one")).hasMessage("line 1: value 'one' is not a number");
        assertThatThrownBy(() -> text("a 1 12.5"))
                .hasMessage("line 1: timestamp '12.5' is not an integer of milliseconds");
        assertThatThrownBy(() -> text("a{x=\"1\",x=\"2\"} 1")).hasMessage("line 1: label 'x' appears twice");
        assertThatThrownBy(() -> text("a{x=\"\\t\"} 1")).hasMessageContaining("escape '\\t'");
        assertThatThrownBy(() -> text("a 1 2 3")).hasMessage("line 1: unexpected '3' after the sample");
        assertThatThrownBy(() -> text("a{x=\"1} 1")).hasMessage("line 1: label value not closed by '\"'");
    }

    @Test
    void aPageOverTheSampleLimitFailsWhole() {
        assertThatThrownBy(() -> new ExpositionParser(false, 2).parse("a 1\nb 2\nc 3\n"))
                .hasMessage("line 3: more than 2 samples (scrape.sample-limit); nothing of the page kept");
        assertThat(new ExpositionParser(false, 2).parse("# only comments\n\na 1\nb 2\n"))
                .hasSize(2);
    }
}
