package io.dualhub.chaos.run;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The flags of {@code ./dualhub chaos run}, validated when parsed: which scenarios (all when none are named), the
 * quick phases, where to write the report, how many edges and how many points per second in all.
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

    /** Parses the arguments after {@code run}; names must be among {@code known}. */
    static ChaosOptions parse(List<String> args, Set<String> known) {
        List<String> names = new ArrayList<>();
        boolean quick = false;
        Path report = null;
        int edges = DEFAULT_EDGES;
        int rate = DEFAULT_RATE;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            switch (a) {
                case "--quick" -> quick = true;
                case "--report" -> report = Path.of(value(args, ++i, a));
                case "--edges" -> edges = number(args, ++i, a);
                case "--rate" -> rate = number(args, ++i, a);
                default -> {
                    if (a.startsWith("-")) {
                        throw new IllegalArgumentException("unknown flag " + a
                                + " (valid: --quick, --report DIR, --edges N, --rate POINTS_PER_S)");
                    }
                    if (!known.contains(a)) {
                        throw new IllegalArgumentException("unknown scenario '" + a + "'; valid: "
                                + known.stream().sorted().collect(Collectors.joining(", ")));
                    }
                    names.add(a);
                }
            }
        }
        return new ChaosOptions(names, quick, report, edges, rate);
    }

    private static String value(List<String> args, int i, String flag) {
        if (i >= args.size() || args.get(i).startsWith("--")) {
            throw new IllegalArgumentException(flag + " needs a value");
        }
        return args.get(i);
    }

    private static int number(List<String> args, int i, String flag) {
        String v = value(args, i, flag);
        try {
            return Integer.parseInt(v);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(flag + " '" + v + "' is not a whole number");
        }
    }

    Phases phases() {
        return quick ? Phases.QUICK : Phases.FULL;
    }
}
