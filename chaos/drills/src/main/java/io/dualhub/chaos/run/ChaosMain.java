package io.dualhub.chaos.run;

import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.NatsServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * {@code ./dualhub chaos list|run}: runs the scenarios against a real topology (3 NATS nodes, 2 CentralHubs, N edges
 * from the built jars) under sequenced load and checks after each that every accepted point is stored once or
 * declared dropped. Exits 1 when any scenario fails, 2 on bad usage.
 */
@Command(name = "dualhub chaos", description = "Fault drills on a real topology: list the scenarios, or run them.")
public final class ChaosMain implements Runnable {
    @Spec
    CommandSpec spec;

    public static void main(String[] args) {
        Map<String, Scenario> catalogue = new LinkedHashMap<>();
        Scenarios.all().forEach(s -> catalogue.put(s.name(), s));
        Cli.exit(command(catalogue), args);
    }

    /** The command line over the scenarios of {@code catalogue}. */
    static CommandLine command(Map<String, Scenario> catalogue) {
        return new CommandLine(new ChaosMain()).addSubcommand(new ChaosRun(catalogue));
    }

    /** Without a command: the usage, as for {@code --help}. */
    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "list", description = "Each scenario and what it breaks.")
    void list() {
        for (Scenario s : Scenarios.all()) {
            System.out.printf("%-20s %s%n", s.name(), s.breaks());
        }
    }

    static boolean run(ChaosOptions options, List<Scenario> scenarios) throws Exception {
        NatsServerNode.binary();
        Path dir = Files.createTempDirectory("dualhub-chaos-");
        long start = System.nanoTime();
        Consumer<String> progress = line -> System.out.printf("%6.1fs %s%n", (System.nanoTime() - start) / 1e9, line);
        String topologyLine = String.format(
                "Topology: 3-node NATS cluster (R3), 2 CentralHubs, %d edges; load %d points/s;" + " %s phases.",
                options.edges(), options.rate(), options.quick() ? "quick" : "full");
        progress.accept(topologyLine + " Working directory " + dir);
        List<ScenarioResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        Topology.during(dir, options.edges(), false, progress, topology -> {
            for (Scenario s : scenarios) {
                ScenarioResult r = runOne(
                        s,
                        "chaos_" + s.name().replace('-', '_'),
                        topology,
                        options.phases(),
                        options.rate(),
                        progress,
                        skipped);
                if (r != null) {
                    results.add(r);
                }
            }
            return results;
        });
        ChaosReport report = new ChaosReport(results, skipped);
        System.out.println();
        System.out.print(report.table());
        if (options.reportDir() != null) {
            report.write(options.reportDir(), topologyLine);
            System.out.println("report: " + options.reportDir().resolve("report.json") + ", report.md");
        }
        Topology.keepLogsIfFailed(dir, report.passed());
        return report.passed();
    }

    /**
     * Runs one scenario from the steady state, its load writing {@code measurement}; null when it was skipped (noted
     * in {@code skipped}), a failed result when it could not run.
     */
    static ScenarioResult runOne(
            Scenario s,
            String measurement,
            Topology topology,
            Phases phases,
            int rate,
            Consumer<String> progress,
            List<String> skipped) {
        try {
            topology.restore();
            ScenarioResult r = new Drill(s, measurement, topology, phases, rate, progress).run();
            progress.accept(String.format("[%s] %s", s.name(), r.passed() ? "passed" : "FAILED"));
            return r;
        } catch (Scenario.Skipped e) {
            progress.accept(String.format("[%s] skipped: %s", s.name(), e.getMessage()));
            skipped.add(s.name() + ": " + e.getMessage());
            return null;
        } catch (Exception | AssertionError e) {
            progress.accept(String.format("[%s] FAILED: %s", s.name(), e));
            return new ScenarioResult(s.name(), false, 0, 0, 0, 0, 0, -1, -1, 0, List.of("could not run: " + e));
        }
    }
}
