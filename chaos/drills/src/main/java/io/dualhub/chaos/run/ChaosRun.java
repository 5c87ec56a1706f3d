package io.dualhub.chaos.run;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.UsageException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ./dualhub chaos run [SCENARIO...]}: its flags, and the run of the chosen scenarios ({@link ChaosMain}). */
@Command(name = "run", description = "Run the scenarios (all when none is named); exit 1 when an invariant fails.")
final class ChaosRun implements Callable<Integer> {
    @Parameters(paramLabel = "SCENARIO", arity = "0..*", description = "scenarios to run, from `chaos list`")
    List<String> names = new ArrayList<>();

    @Option(names = "--quick", description = "short phases")
    boolean quick;

    @Option(names = "--report", paramLabel = "DIR", description = "where to write report.json and report.md")
    Path report;

    @Option(names = "--edges", paramLabel = "N", defaultValue = "" + ChaosOptions.DEFAULT_EDGES, description = "1-10")
    int edges;

    @Option(
            names = "--rate",
            paramLabel = "POINTS_PER_S",
            defaultValue = "" + ChaosOptions.DEFAULT_RATE,
            description = "points per second over all edges")
    int rate;

    private final Map<String, Scenario> catalogue;

    ChaosRun(Map<String, Scenario> catalogue) {
        this.catalogue = catalogue;
    }

    @Override
    public Integer call() throws Exception {
        ChaosOptions options = options();
        List<Scenario> chosen = options.scenarios().isEmpty()
                ? List.copyOf(catalogue.values())
                : options.scenarios().stream().map(catalogue::get).toList();
        return ChaosMain.run(options, chosen) ? 0 : 1;
    }

    /** The flags given, checked: each scenario named must be in the catalogue. */
    ChaosOptions options() {
        for (String name : names) {
            if (!catalogue.containsKey(name)) {
                throw new UsageException("unknown scenario '" + name + "'; valid: "
                        + catalogue.keySet().stream().sorted().collect(Collectors.joining(", ")));
            }
        }
        return Cli.valid(() -> new ChaosOptions(names, quick, report, edges, rate));
    }
}
