package io.dualhub.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The results of one run as a terminal table, {@code bench.md} and {@code bench.json}
 * ({@code {"machine":{..}, "results":[{"name","value","unit","reference","ratio","goal","met"}]}}).
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private final List<Result> results = new ArrayList<>();
    private final List<String> notes = new ArrayList<>();
    private final Map<String, String> machine;

    public Report(Map<String, String> machine) {
        this.machine = machine;
    }

    public void add(List<Result> stage) {
        results.addAll(stage);
    }

    /**
     * Whether {@code stage} cannot run here because a program it needs is missing: then printed and noted, with the
     * command that installs them.
     */
    boolean skips(String stage, List<String> programs, String install) {
        List<String> missing =
                programs.stream().filter(b -> !Files.isExecutable(Path.of(b))).toList();
        if (missing.isEmpty()) {
            return false;
        }
        String note = stage + ": skipped, " + String.join(", ", missing) + " not installed; install with: " + install;
        System.out.println(note);
        note(note);
        return true;
    }

    /** A line under the table: a stage skipped and why, or what bounds a figure. */
    public void note(String note) {
        notes.add(note);
    }

    public List<Result> results() {
        return List.copyOf(results);
    }

    public String table() {
        StringBuilder out = new StringBuilder(
                "| figure | value | unit | reference | ratio | goal | met |\n" + "|---|---:|---|---:|---:|---|---|\n");
        for (Result r : results) {
            out.append("| ")
                    .append(r.name())
                    .append(" | ")
                    .append(number(r.value()))
                    .append(" | ")
                    .append(r.unit())
                    .append(" | ")
                    .append(r.reference() == null ? "" : number(r.reference()))
                    .append(" | ")
                    .append(r.ratio() == null ? "" : String.format(Locale.ROOT, "%.2f", r.ratio()))
                    .append(" | ")
                    .append(r.goal() == null ? "" : r.goal())
                    .append(" | ")
                    .append(r.met() == null ? "" : r.met() ? "yes" : "**no**")
                    .append(" |\n");
        }
        return out.toString();
    }

    public String markdown() {
        StringBuilder md = new StringBuilder("# dualhub bench\n\n");
        machine.forEach(
                (k, v) -> md.append("- ").append(k).append(": ").append(v).append('\n'));
        md.append('\n').append(table());
        if (!notes.isEmpty()) {
            md.append('\n');
            notes.forEach(n -> md.append("- ").append(n).append('\n'));
        }
        return md.toString();
    }

    public void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("bench.md"), markdown());
        JSON.writeValue(
                dir.resolve("bench.json").toFile(), Map.of("machine", machine, "results", results, "notes", notes));
    }

    /** A figure for people: thousands separated, at most three significant decimals below 100. */
    static String number(double v) {
        if (Math.abs(v) >= 100 || v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, Math.abs(v) >= 1 ? "%.2f" : "%.3f", v);
    }
}
