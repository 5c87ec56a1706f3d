package io.dualhub.central.analysis;

import io.dualhub.central.analysis.nab.NabCommand;
import io.dualhub.central.analysis.nab.NabFormatException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code dualhub analyze nab --nab DIR [--detector-results DIR]}: evaluates the anomaly model (or scores a published
 * detector) on the Numenta Anomaly Benchmark. Bad usage prints one line naming the flag and exits 2.
 */
public final class AnalyzeMain {
    private static final String USAGE = "usage: analyze nab --nab DIR [--detector-results DIR]";

    private AnalyzeMain() {
    }

    public static void main(String[] args) {
        try {
            if (args.length == 0 || !args[0].equals("nab")) {
                throw new IllegalArgumentException(USAGE);
            }
            Map<String, String> flags = flags(List.of(args).subList(1, args.length), Set.of("nab", "detector-results"));
            if (!flags.containsKey("nab")) {
                throw new IllegalArgumentException("--nab DIR is required: the NAB folder (data/, labels/, config/)");
            }
            NabCommand.run(flags, System.out);
        } catch (IllegalArgumentException | NabFormatException e) {
            System.err.println("dualhub analyze: " + e.getMessage());
            System.exit(2);
        }
    }

    static Map<String, String> flags(List<String> args, Set<String> valid) {
        Map<String, String> flags = new LinkedHashMap<>();
        for (int i = 0; i < args.size(); i += 2) {
            String flag = args.get(i).startsWith("--") ? args.get(i).substring(2) : "";
            if (!valid.contains(flag)) {
                throw new IllegalArgumentException("unknown argument '" + args.get(i) + "'; " + USAGE);
            }
            if (i + 1 >= args.size()) {
                throw new IllegalArgumentException("--" + flag + " needs a value");
            }
            flags.put(flag, args.get(i + 1));
        }
        return flags;
    }
}
