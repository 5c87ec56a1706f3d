package io.dualhub.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The results of a chaos run: a table for the terminal, and {@code report.json} ({@code {"scenarios":[...]}} with
 * one object per scenario, fields as in {@link ScenarioResult} without the notes) and {@code report.md} (the table,
 * then each scenario's notes, then what was skipped and why).
 */
final class ChaosReport {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String HEADER = String.format("%-20s %-6s %9s %9s %8s %5s %5s %11s %11s %10s",
            "scenario", "passed", "accepted", "stored", "dropped", "lost", "dups", "failoverMs", "recoveryMs",
            "maxBacklog");
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
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (ScenarioResult r : results) {
            sb.append(String.format("%-20s %-6s %9d %9d %8d %5d %5d %11s %11s %10d%n", r.name(), r.passed() ? "yes" : "NO",
                    r.accepted(), r.stored(), r.declaredDropped(), r.lost(), r.duplicates(), ms(r.failoverMs()),
                    ms(r.recoveryMs()), r.maxBacklog()));
        }
        skipped.forEach(s -> sb.append("skipped ").append(s).append('\n'));
        return sb.toString();
    }

    String json() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        ArrayNode list = root.putArray("scenarios");
        for (ScenarioResult r : results) {
            list.addObject().put("name", r.name()).put("passed", r.passed()).put("accepted", r.accepted())
                    .put("stored", r.stored()).put("declaredDropped", r.declaredDropped()).put("lost", r.lost())
                    .put("duplicates", r.duplicates()).put("failoverMs", r.failoverMs())
                    .put("recoveryMs", r.recoveryMs()).put("maxBacklog", r.maxBacklog());
        }
        return JSON.writeValueAsString(root);
    }

    String markdown(String topology) {
        StringBuilder sb = new StringBuilder("# dualhub chaos run\n\n").append(topology).append("\n\n")
                .append("| scenario | passed | accepted | stored | declaredDropped | lost | duplicates | failoverMs"
                        + " | recoveryMs | maxBacklog |\n|---|---|---|---|---|---|---|---|---|---|\n");
        for (ScenarioResult r : results) {
            sb.append(String.format("| %s | %s | %d | %d | %d | %d | %d | %s | %s | %d |%n", r.name(),
                    r.passed() ? "yes" : "**no**", r.accepted(), r.stored(), r.declaredDropped(), r.lost(),
                    r.duplicates(), ms(r.failoverMs()), ms(r.recoveryMs()), r.maxBacklog()));
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

    void write(Path dir, String topology) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("report.json"), json());
        Files.writeString(dir.resolve("report.md"), markdown(topology));
    }

    private static String ms(long ms) {
        return ms < 0 ? "-" : Long.toString(ms);
    }
}
