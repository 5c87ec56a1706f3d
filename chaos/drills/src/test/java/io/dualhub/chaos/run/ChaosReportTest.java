package io.dualhub.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's JSON carries exactly the documented fields; a failed scenario fails the report. */
class ChaosReportTest {
    private static final ScenarioResult PASSED =
            new ScenarioResult("kill-edge", true, 100, 100, 0, 0, 0, 3400, 250, 2, List.of());
    private static final ScenarioResult FAILED =
            new ScenarioResult("cluster-down", false, 100, 98, 0, 2, 0, -1, -1, 90, List.of("error: boom"));

    @Test
    void jsonHasExactlyTheDocumentedFields() throws Exception {
        JsonNode json = new ObjectMapper().readTree(new ChaosReport(List.of(PASSED, FAILED), List.of()).json());
        assertThat(json.fieldNames()).toIterable().containsExactly("scenarios");
        List<String> fields = new ArrayList<>();
        json.get("scenarios").get(0).fieldNames().forEachRemaining(fields::add);
        assertThat(fields)
                .containsExactly(
                        "name",
                        "passed",
                        "accepted",
                        "stored",
                        "declaredDropped",
                        "lost",
                        "duplicates",
                        "failoverMs",
                        "recoveryMs",
                        "maxBacklog");
        assertThat(json.get("scenarios").get(1).get("lost").asLong()).isEqualTo(2);
    }

    @Test
    void oneFailedScenarioFailsTheRunAndItsNotesReachTheMarkdown() {
        ChaosReport report = new ChaosReport(List.of(PASSED, FAILED), List.of("store-failing: needs root"));
        assertThat(report.passed()).isFalse();
        assertThat(new ChaosReport(List.of(PASSED), List.of()).passed()).isTrue();
        assertThat(report.markdown("topology"))
                .contains("| cluster-down | **no** |", "- error: boom", "## Skipped", "- store-failing: needs root");
        assertThat(report.table()).contains("cluster-down", "NO");
    }
}
