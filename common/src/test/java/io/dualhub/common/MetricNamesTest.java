package io.dualhub.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MetricNamesTest {
    /** The rule as Prometheus writes it, with dualhub's length bound: the hand-written check must agree with it. */
    private static final Pattern RULE = Pattern.compile("[a-zA-Z_:][a-zA-Z0-9_:]{0,199}");

    @Test
    void theCheckAgreesWithTheRule() {
        String[] names = {
            "",
            "a",
            "_",
            ":",
            "host_load1",
            "Host:cpu_total",
            "1abc",
            "9",
            "a-b",
            "a.b",
            "a b",
            "ünï",
            "a\\u0000",
            "abc9",
            "x".repeat(200),
            "x".repeat(201),
            "é",
            "_1",
            "::",
            "a/b"
        };
        for (String name : names) {
            assertThat(MetricNames.isValidMetric(name))
                    .as("'%s'", name)
                    .isEqualTo(RULE.matcher(name).matches());
        }
        assertThat(MetricNames.isValidMetric(null)).isFalse();
    }

    @Test
    void whatSanitizeReturnsIsValid() {
        for (String raw : new String[] {"cpu.load", "1st-metric", "a b/c", "ok_name"}) {
            assertThat(MetricNames.isValidMetric(MetricNames.sanitize(raw)))
                    .as(raw)
                    .isTrue();
        }
    }
}
