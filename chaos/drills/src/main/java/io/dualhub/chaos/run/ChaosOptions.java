package io.dualhub.chaos.run;

import java.nio.file.Path;
import java.util.List;

/**
 * The flags of {@code ./dualhub chaos run} ({@link ChaosRun}), validated when made: which scenarios (all when none
 * are named), the quick phases, where to write the report, how many edges and how many points per second in all.
 */
record ChaosOptions(List<String> scenarios, boolean quick, Path reportDir, int edges, int rate) {
    static final int DEFAULT_EDGES = 3;
    static final int DEFAULT_RATE = 3000;

    ChaosOptions {
        scenarios = List.copyOf(scenarios);
        if (edges < 1 || edges > 10) {
            throw new IllegalArgumentException("--edges " + edges + " is out of range: 1 to 10 edges");
        }
        if (rate < 10 * edges || rate > 200_000) {
            throw new IllegalArgumentException("--rate " + rate + " is out of range: at least 10 points/s per edge ("
                    + 10 * edges + " for " + edges + " edges), at most 200000");
        }
    }

    Phases phases() {
        return quick ? Phases.QUICK : Phases.FULL;
    }
}
