package io.dualhub.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The results of a chaos run: a table for the terminal, and {@code report.json} ({@code {"scenarios":[...]}} with
 * one object per scenario, fields as in {@link ScenarioResult} without the notes) and {@code report.md} (the table,
 * then each scenario's notes, then what was skipped and why). All three take their columns from one list.
 */
final class ChaosReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** A field of the report: its JSON name, its terminal heading and width (negative: left-aligned), its value. */
    private record Column(String name, String heading, int width, Function<ScenarioResult, Object> value) {
        /** The value as text; a duration that does not apply (-1) shows as "-". */
        String text(ScenarioResult r) {
            Object v = value.apply(r);
            if (v instanceof Boolean passed) {
                return passed ? "yes" : "NO";
            }
            return name.endsWith("Ms") && (Long) v < 0 ? "-" : String.valueOf(v);
        }
    }

    private static final List<Column> COLUMNS = List.of(
            new Column("name", "scenario", -20, ScenarioResult::name),
            new Column("passed", "passed", -6, ScenarioResult::passed),
            new Column("accepted", "accepted", 9, ScenarioResult::accepted),
            new Column("stored", "stored", 9, ScenarioResult::stored),
            new Column("declaredDropped", "dropped", 8, ScenarioResult::declaredDropped),
            new Column("lost", "lost", 5, ScenarioResult::lost),
            new Column("duplicates", "dups", 5, ScenarioResult::duplicates),
            new Column("failoverMs", "failoverMs", 11, ScenarioResult::failoverMs),
            new Column("recoveryMs", "recoveryMs", 11, ScenarioResult::recoveryMs),
            new Column("maxBacklog", "maxBacklog", 10, ScenarioResult::maxBacklog));

    private final List<ScenarioResult> results;
    private final List<String> skipped;

    ChaosReport(List<ScenarioResult> results, List<String> skipped) {
        this.results = List.copyOf(results);
        this.skipped = List.copyOf(skipped);
    }

    boolean passed() {
        return results.stream().allMatch(ScenarioResult::passed);
    }

    String table() {
        StringBuilder sb = new StringBuilder(terminalRow(Column::heading)).append('\n');
        for (ScenarioResult r : results) {
            sb.append(terminalRow(c -> c.text(r))).append('\n');
        }
        skipped.forEach(s -> sb.append("skipped ").append(s).append('\n'));
        return sb.toString();
    }

    private static String terminalRow(Function<Column, String> cell) {
        return COLUMNS.stream()
                .map(c -> String.format("%" + c.width() + "s", cell.apply(c)))
                .collect(Collectors.joining(" "));
    }

    String json() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("scenarios");
        for (ScenarioResult r : results) {
            ObjectNode o = list.addObject();
            COLUMNS.forEach(c -> o.set(c.name(), JSON.valueToTree(c.value().apply(r))));
        }
        return JSON.writeValueAsString(root);
    }

    String markdown(String topology) {
        return markdown("# dualhub chaos run", topology);
    }

    /** The report under the given heading (a soak puts its faults under a heading of its own). */
    String markdown(String heading, String topology) {
        StringBuilder sb = new StringBuilder(heading)
                .append("\n\n")
                .append(topology)
                .append("\n\n")
                .append(markdownRow(c -> c.name().equals("name") ? "scenario" : c.name()))
                .append('\n')
                .append(markdownRow(c -> "---"))
                .append('\n');
        for (ScenarioResult r : results) {
            sb.append(markdownRow(c -> c.name().equals("passed") && !r.passed() ? "**no**" : c.text(r)))
                    .append('\n');
        }
        sb.append("\nfailoverMs: fault to the next batch edge-1 appended and got acknowledged (kill-leader-central:"
                + " to the standby holding the lease); recoveryMs: fault cleared to every backlog forwarded and every"
                + " accepted point stored at both CentralHubs; maxBacklog in batches; counts from the CentralHub that"
                + " did worst.\n");
        for (ScenarioResult r : results) {
            if (!r.notes().isEmpty()) {
                sb.append("\n## ").append(r.name()).append('\n');
                r.notes().forEach(n -> sb.append("- ").append(n).append('\n'));
            }
        }
        if (!skipped.isEmpty()) {
            sb.append("\n## Skipped\n");
            skipped.forEach(s -> sb.append("- ").append(s).append('\n'));
        }
        return sb.toString();
    }

    private static String markdownRow(Function<Column, String> cell) {
        return COLUMNS.stream().map(cell).collect(Collectors.joining(" | ", "| ", " |"));
    }

    void write(Path dir, String topology) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json());
        Files.writeString(dir.resolve("report.md"), markdown(topology));
    }
}
