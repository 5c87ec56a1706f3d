package io.dualhub.chaos.run;

import io.dualhub.testkit.NatsServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * {@code ./dualhub chaos list|run}: runs the scenarios against a real topology (3 NATS nodes, 2 CentralHubs, N edges
 * from the built jars) under sequenced load and checks after each that every accepted point is stored once or
 * declared dropped. Exits 1 when any scenario fails, 2 on bad usage.
 */
public final class ChaosMain {
    private ChaosMain() {}

    public static void main(String[] args) throws Exception {
        Map<String, Scenario> catalogue = new LinkedHashMap<>();
        Scenarios.all().forEach(s -> catalogue.put(s.name(), s));
        String command = args.length == 0 ? "help" : args[0];
        switch (command) {
            case "list" -> catalogue.values().forEach(s -> System.out.printf("%-20s %s%n", s.name(), s.breaks()));
            case "run" -> {
                ChaosOptions options;
                try {
                    options = ChaosOptions.parse(Arrays.asList(args).subList(1, args.length), catalogue.keySet());
                } catch (IllegalArgumentException e) {
                    System.err.println("dualhub chaos: " + e.getMessage());
                    System.exit(2);
                    return;
                }
                List<Scenario> chosen = options.scenarios().isEmpty()
                        ? List.copyOf(catalogue.values())
                        : options.scenarios().stream().map(catalogue::get).toList();
                try {
                    System.exit(run(options, chosen) ? 0 : 1);
                } catch (IllegalStateException e) {
                    System.err.println("dualhub chaos: " + e.getMessage());
                    System.exit(1);
                }
            }
            default -> {
                System.err.println("usage: ./dualhub chaos list | run [SCENARIO...] [--quick] [--report DIR]"
                        + " [--edges N] [--rate POINTS_PER_S]");
                System.exit(command.equals("help") ? 0 : 2);
            }
        }
    }

    private static boolean run(ChaosOptions options, List<Scenario> scenarios) throws Exception {
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
