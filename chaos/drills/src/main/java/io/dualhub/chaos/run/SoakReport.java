package io.dualhub.chaos.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.dualhub.common.config.Settings;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.DoubleSummaryStatistics;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.ToLongFunction;

/**
 * What a soak found: the exactly-once tally over all its faults, and each figure of each process as its trend per
 * hour after the warm-up of each of its lives ({@link #afterWarmup}, {@link SoakSample#slopePerHour}), judged against
 * the soak's goals once the time after warm-up is at least {@link #JUDGED_WINDOW}, for the soak and for the figure:
 * RSS rising less than {@link #RSS_MB_PER_HOUR} MB per hour, threads and open files flat (drifting less than
 * {@link #FLAT_PER_HOUR} per hour). Only dualhub's own processes are judged: a NATS node's connections, and so its
 * files and threads, follow the clients the faults move between nodes. The thread pools whose count moved are listed
 * ({@link #movedPools}). Written as {@code soak.md} and {@code soak.json} (which also holds every sample).
 */
final class SoakReport {
    static final Duration JUDGED_WINDOW = Duration.ofMinutes(20);
    static final double RSS_MB_PER_HOUR = 5;
    static final double FLAT_PER_HOUR = 2;
    /** The figures the goals are about. */
    private static final List<String> GOAL_FIGURES = List.of("rss_mb", "threads", "open_files");

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /**
     * One figure of one process after warm-up; {@code minutesJudged}: the time its slope is fitted over, summed over
     * its lives; {@code verdict} is "yes", "NO", or "-" when there is no goal or under {@link #JUDGED_WINDOW} to judge
     * it by.
     */
    record Figure(
            String process,
            String figure,
            int samples,
            int lives,
            long minutesJudged,
            double first,
            double last,
            double slopePerHour,
            String goal,
            String verdict) {}

    /** The tally summed over the faults, each fault's counts those of the CentralHub that did worst. */
    record Totals(long accepted, long stored, long declaredDropped, long lost, long duplicates) {
        boolean whole() {
            return lost == 0 && duplicates == 0 && accepted == stored + declaredDropped;
        }
    }

    private final SoakOptions options;
    private final String topology;
    private final List<SoakSample> samples;
    private final Set<String> judgedProcesses;
    private final List<ScenarioResult> faults;
    private final List<String> skipped;
    private final List<String> nodeRestarts;
    private final long startMs;
    private final long endMs;
    private final List<SoakSample> warm; // the samples after their life's warm-up: what the slopes and pools read
    private final List<Figure> figures; // worked out once: the report, its verdict and its JSON all read them

    /**
     * {@code judgedProcesses}: the processes whose figures are held to the goals (the hubs, not NATS);
     * {@code nodeRestarts}: the NATS nodes the topology restarted or rebuilt because a replica of theirs did
     * not mend by itself.
     */
    SoakReport(
            SoakOptions options,
            String topology,
            List<SoakSample> samples,
            Set<String> judgedProcesses,
            List<ScenarioResult> faults,
            List<String> skipped,
            List<String> nodeRestarts,
            long startMs,
            long endMs) {
        this.options = options;
        this.topology = topology;
        this.samples = List.copyOf(samples);
        this.judgedProcesses = Set.copyOf(judgedProcesses);
        this.faults = List.copyOf(faults);
        this.skipped = List.copyOf(skipped);
        this.nodeRestarts = List.copyOf(nodeRestarts);
        this.startMs = startMs;
        this.endMs = endMs;
        this.warm = afterWarmup(this.samples, options.warmup());
        this.figures = workOutFigures();
    }

    Totals totals() {
        return new Totals(
                sum(ScenarioResult::accepted),
                sum(ScenarioResult::stored),
                sum(ScenarioResult::declaredDropped),
                sum(ScenarioResult::lost),
                sum(ScenarioResult::duplicates));
    }

    private long sum(ToLongFunction<ScenarioResult> f) {
        return faults.stream().mapToLong(f).sum();
    }

    /** The window after warm-up the slopes are taken over. */
    Duration window() {
        return Duration.ofMillis(Math.max(0, endMs - startMs - options.warmup().toMillis()));
    }

    boolean judged() {
        return window().compareTo(JUDGED_WINDOW) >= 0;
    }

    List<Figure> figures() {
        return figures;
    }

    private List<Figure> workOutFigures() {
        Map<String, Map<String, List<SoakSample>>> byProcess = new TreeMap<>();
        for (SoakSample s : warm) {
            if (s.pool() == null) {
                byProcess
                        .computeIfAbsent(s.process(), p -> new TreeMap<>())
                        .computeIfAbsent(s.figure(), f -> new ArrayList<>())
                        .add(s);
            }
        }
        List<Figure> figures = new ArrayList<>();
        byProcess.forEach((process, figs) -> figs.forEach((figure, list) -> {
            double slope = SoakSample.slopePerHour(list);
            String goal = judgedProcesses.contains(process) ? goal(figure) : "";
            Duration covered = covered(list);
            boolean judgeable = judged() && covered.compareTo(JUDGED_WINDOW) >= 0 && !Double.isNaN(slope);
            figures.add(new Figure(
                    process,
                    figure,
                    list.size(),
                    (int) list.stream().mapToLong(SoakSample::pid).distinct().count(),
                    covered.toMinutes(),
                    list.get(0).value(),
                    list.get(list.size() - 1).value(),
                    slope,
                    goal,
                    goal.isEmpty() || !judgeable ? "-" : meets(figure, slope) ? "yes" : "NO"));
        }));
        return figures;
    }

    /**
     * The samples taken after the warm-up of the life each belongs to: a process a fault killed comes back cold (its
     * JIT, its classes, its caches) and warms up again, so each life's first {@code warmup} is left out, counted from
     * that life's first sample.
     */
    static List<SoakSample> afterWarmup(List<SoakSample> samples, Duration warmup) {
        Map<String, Long> lifeStarts = new HashMap<>();
        for (SoakSample s : samples) {
            lifeStarts.merge(life(s), s.atMs(), Math::min);
        }
        return samples.stream()
                .filter(s -> s.atMs() >= lifeStarts.get(life(s)) + warmup.toMillis())
                .toList();
    }

    private static String life(SoakSample s) {
        return s.process() + "/" + s.pid();
    }

    /** How long the samples span, summed over the lives they come from: the time a slope is fitted over. */
    private static Duration covered(List<SoakSample> samples) {
        Map<String, long[]> spans = new HashMap<>(); // life -> first and last sample
        for (SoakSample s : samples) {
            spans.merge(life(s), new long[] {s.atMs(), s.atMs()}, (a, b) ->
                    new long[] {Math.min(a[0], b[0]), Math.max(a[1], b[1])});
        }
        return Duration.ofMillis(
                spans.values().stream().mapToLong(span -> span[1] - span[0]).sum());
    }

    /**
     * The thread pools of dualhub's processes whose count moved within a life after its warm-up, each as
     * "pool first -> last (least-most)" of that process: what a thread count's slope is made of. A pool with no thread
     * at a sample (not yet started, or ended) counts 0 there.
     */
    List<String> movedPools() {
        Map<String, List<SoakSample>> byLife = new TreeMap<>();
        for (SoakSample s : warm) {
            if ((s.pool() != null || s.figure().equals("threads")) && judgedProcesses.contains(s.process())) {
                byLife.computeIfAbsent(life(s), k -> new ArrayList<>()).add(s);
            }
        }
        List<String> moved = new ArrayList<>();
        byLife.values().forEach(life -> {
            long[] times = life.stream()
                    .filter(s -> s.pool() == null)
                    .mapToLong(SoakSample::atMs)
                    .sorted()
                    .toArray();
            if (times.length == 0) {
                return; // no thread count of this life: nothing to read the pools against
            }
            Map<String, Map<Long, Double>> pools = new TreeMap<>();
            life.stream()
                    .filter(s -> s.pool() != null)
                    .forEach(s -> pools.computeIfAbsent(s.pool(), p -> new HashMap<>())
                            .put(s.atMs(), s.value()));
            pools.forEach((pool, counts) -> {
                double[] series = Arrays.stream(times)
                        .mapToDouble(t -> counts.getOrDefault(t, 0.0))
                        .toArray();
                DoubleSummaryStatistics range = Arrays.stream(series).summaryStatistics();
                if (range.getMin() != range.getMax()) {
                    moved.add(String.format(
                            Locale.ROOT,
                            "%s (pid %d): %s %.0f -> %.0f (%.0f-%.0f)",
                            life.get(0).process(),
                            life.get(0).pid(),
                            pool,
                            series[0],
                            series[series.length - 1],
                            range.getMin(),
                            range.getMax()));
                }
            });
        });
        return moved;
    }

    /** The figures with a goal that a judged soak could not judge: their lives left too little time after warm-up. */
    List<String> unjudged() {
        if (!judged()) {
            return List.of();
        }
        Map<String, Figure> byName = new HashMap<>();
        figures.forEach(f -> byName.put(f.process() + " " + f.figure(), f));
        List<String> unjudged = new ArrayList<>();
        samples.stream()
                .map(SoakSample::process)
                .filter(judgedProcesses::contains)
                .distinct()
                .sorted()
                .forEach(process -> GOAL_FIGURES.forEach(figure -> {
                    Figure f = byName.get(process + " " + figure);
                    if (f == null || f.verdict().equals("-")) {
                        unjudged.add(process + " " + figure + " (" + (f == null ? 0 : f.minutesJudged()) + " min)");
                    }
                }));
        return unjudged;
    }

    private static String goal(String figure) {
        return switch (figure) {
            case "rss_mb" -> "< " + (int) RSS_MB_PER_HOUR + " MB/h";
            case "threads", "open_files" -> "flat (|slope| < " + (int) FLAT_PER_HOUR + "/h)";
            default -> "";
        };
    }

    private static boolean meets(String figure, double slope) {
        return figure.equals("rss_mb") ? slope < RSS_MB_PER_HOUR : Math.abs(slope) < FLAT_PER_HOUR;
    }

    /** Every fault passed (each accepted point stored once or declared) and every judged figure met its goal. */
    boolean passed() {
        return !faults.isEmpty()
                && faults.stream().allMatch(ScenarioResult::passed)
                && totals().whole()
                && figures().stream().noneMatch(f -> f.verdict().equals("NO"));
    }

    String markdown() {
        Totals t = totals();
        StringBuilder sb = new StringBuilder("# dualhub soak\n\n")
                .append(topology)
                .append("\n\n")
                .append(String.format(
                        Locale.ROOT,
                        "Ran %d min, %d faults, sampled every %s; slopes after each life's warm-up"
                                + " of %s, over up to %d min%s.%n%n",
                        Duration.ofMillis(endMs - startMs).toMinutes(),
                        faults.size(),
                        Settings.text(options.sampleEvery()),
                        Settings.text(options.warmup()),
                        window().toMinutes(),
                        judged() ? "" : " (under " + JUDGED_WINDOW.toMinutes() + " min: the goals are not judged)"))
                .append(String.format(
                        Locale.ROOT,
                        "**Exactly once: %s.** accepted %,d, stored %,d, declared dropped"
                                + " %,d, lost %,d, duplicates %,d (summed over the faults, each from the CentralHub that did"
                                + " worst).%n%n",
                        t.whole() ? "yes" : "NO",
                        t.accepted(),
                        t.stored(),
                        t.declaredDropped(),
                        t.lost(),
                        t.duplicates()))
                .append(
                        "| process | figure | samples | lives | minutes | first | last | slope per hour | goal | met |\n")
                .append("|---|---|---|---|---|---|---|---|---|---|\n");
        for (Figure f : figures()) {
            sb.append(String.format(
                    Locale.ROOT,
                    "| %s | %s | %d | %d | %d | %.1f | %.1f | %+.2f | %s | %s |%n",
                    f.process(),
                    f.figure(),
                    f.samples(),
                    f.lives(),
                    f.minutesJudged(),
                    f.first(),
                    f.last(),
                    f.slopePerHour(),
                    f.goal(),
                    f.verdict().equals("NO") ? "**no**" : f.verdict()));
        }
        sb.append("\nlives: how many processes the figure came from (a fault that kills a process starts another;"
                + " each life warms up again, and the slope gives each life its own level). minutes: the time after"
                + " warm-up the slope is fitted over, summed over the lives; a goal is judged from "
                + JUDGED_WINDOW.toMinutes()
                + ". heap_after_gc_mb: the heap right after a full collection the sampler asked for"
                + " (jcmd GC.run).\n\n");
        List<String> unjudged = unjudged();
        if (!unjudged.isEmpty()) {
            sb.append("Not judged, their lives too short after warm-up: ")
                    .append(String.join(", ", unjudged))
                    .append(".\n\n");
        }
        List<String> moved = movedPools();
        sb.append("Thread pools of dualhub's processes whose count moved within a life after its warm-up (first ->"
                        + " last, least-most)")
                .append(moved.isEmpty() ? ": none.\n\n" : ":\n\n");
        moved.forEach(m -> sb.append("- ").append(m).append('\n'));
        sb.append(moved.isEmpty() ? "" : "\n");
        if (!nodeRestarts.isEmpty()) {
            sb.append("NATS nodes restarted or rebuilt because a replica of theirs did not mend by itself"
                    + " (nats-server's, not dualhub's):\n\n");
            nodeRestarts.forEach(r -> sb.append("- ").append(r).append('\n'));
            sb.append('\n');
        }
        return sb.append(new ChaosReport(faults, skipped).markdown("## Faults", "In the order they ran."))
                .toString();
    }

    String json() throws IOException {
        ObjectNode root = JSON.createObjectNode();
        root.put("topology", topology);
        root.put("startedAtMs", startMs);
        root.put("durationS", (endMs - startMs) / 1000);
        root.put("warmupS", options.warmup().toSeconds());
        root.put("judged", judged());
        root.put("passed", passed());
        root.set("tally", JSON.valueToTree(totals()));
        root.set("faults", JSON.valueToTree(faults));
        root.set("natsNodeRestarts", JSON.valueToTree(nodeRestarts));
        root.set("figures", JSON.valueToTree(figures()));
        ArrayNode all = root.putArray("samples");
        samples.forEach(s -> all.add(JSON.valueToTree(s)));
        return JSON.writeValueAsString(root);
    }

    void write(Path dir) throws IOException {
        Files.createDirectories(dir);
        Files.writeString(dir.resolve("soak.md"), markdown());
        Files.writeString(dir.resolve("soak.json"), json());
    }
}
