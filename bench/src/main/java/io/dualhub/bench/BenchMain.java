package io.dualhub.bench;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.UsageException;
import io.dualhub.testkit.NatsServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ./dualhub bench [ingest|forward|store|drain|export|e2e|footprint|peer|peer-vmagent|dashboard|all]
 * [--duration S] [--out DIR]}: measures each stage on real processes beside a reference measured in the same run,
 * prints the table and writes {@code bench.md} and {@code bench.json}. Exit status 2 on bad usage; a missed goal is
 * reported, not an error.
 */
@Command(
        name = "dualhub bench",
        description = "Measure every stage of the data path on this machine beside a reference from the same run.")
public final class BenchMain implements Callable<Integer> {
    static final List<String> STAGES = List.of(
            "ingest", "forward", "store", "drain", "export", "e2e", "footprint", "peer", "peer-vmagent", "dashboard");

    @Parameters(paramLabel = "STAGE", arity = "0..*", description = "stages to measure, or all (the default)")
    List<String> named = new ArrayList<>();

    @Option(
            names = "--duration",
            paramLabel = "SECONDS",
            defaultValue = "60",
            description = "at least 60 (e2e, footprint, peer, peer-vmagent; default ${DEFAULT-VALUE})")
    int duration;

    @Option(names = "--out", paramLabel = "DIR", defaultValue = "target/bench", description = "for bench.md, .json")
    Path out;

    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Cli.exit(new BenchMain(), args);
    }

    @Override
    public Integer call() throws Exception {
        Set<String> stages = new LinkedHashSet<>();
        for (String stage : named) {
            if (stage.equals("all")) {
                stages.addAll(STAGES);
            } else if (STAGES.contains(stage)) {
                stages.add(stage);
            } else {
                throw new UsageException(
                        "unknown stage '" + stage + "'; valid: " + String.join(", ", STAGES) + ", all");
            }
        }
        if (duration < 60) {
            throw new UsageException(
                    "--duration " + duration + ": at least 60 seconds (the footprint is measured over a minute)");
        }
        Report report = new Report(
                machine(String.join(" ", spec.commandLine().getParseResult().originalArgs())));
        run(stages.isEmpty() ? new LinkedHashSet<>(STAGES) : stages, duration, report);
        System.out.print(report.table());
        report.write(out);
        System.out.println("written: " + out.resolve("bench.md") + ", " + out.resolve("bench.json"));
        return 0;
    }

    private static void run(Set<String> stages, int duration, Report report) throws Exception {
        Set<String> dataPath = new LinkedHashSet<>(stages);
        dataPath.retainAll(List.of("ingest", "forward", "store", "drain"));
        if (!dataPath.isEmpty()) {
            report.add(new DataPathBench().run(dataPath));
        }
        if (stages.contains("export")) {
            report.add(new ExportBench(report).run());
        }
        if (stages.contains("e2e")) {
            report.add(new E2eBench(duration).run());
        }
        if (stages.contains("footprint")) {
            report.add(new FootprintBench(duration).run());
        }
        if (stages.contains("peer")) {
            new PeerBench(duration).run(report);
        }
        if (stages.contains("peer-vmagent")) {
            new VmagentBench(duration).run(report);
        }
        if (stages.contains("dashboard")) {
            report.add(new DashboardBench().run());
        }
    }

    /** The machine the figures were measured on. */
    static Map<String, String> machine(String command) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("command", "./dualhub bench " + command);
        m.put("date", Instant.now().toString());
        m.put(
                "cpu",
                firstValue(Path.of("/proc/cpuinfo"), "model name") + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores");
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("nats-server", natsVersion());
        return m;
    }

    private static String firstValue(Path file, String key) throws Exception {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "?";
    }

    private static String natsVersion() throws Exception {
        Process p = new ProcessBuilder(NatsServerNode.binary(), "--version")
                .redirectErrorStream(true)
                .start();
        String v = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return v;
    }
}
