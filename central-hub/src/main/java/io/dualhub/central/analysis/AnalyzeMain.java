package io.dualhub.central.analysis;

import io.dualhub.central.analysis.nab.NabCommand;
import io.dualhub.central.analysis.nab.NabCorpus;
import io.dualhub.central.analysis.nab.NabFormatException;
import io.dualhub.central.analysis.nab.NabSeries;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code dualhub analyze nab --nab DIR [--detector-results DIR]} evaluates the anomaly model (or scores a published
 * detector) on the Numenta Anomaly Benchmark; {@code dualhub analyze forecast [--nab DIR]} evaluates the capacity
 * forecasts. Bad usage prints one line naming the flag and exits 2.
 */
public final class AnalyzeMain {
    private static final String USAGE = "usage: analyze nab --nab DIR [--detector-results DIR] | analyze forecast "
            + "[--nab DIR]  (--nab defaults to $NAB_DIR: a checkout of github.com/numenta/NAB)";
    /** NAB's machine-metric series, for the forecast evaluation. */
    private static final List<String> MACHINE_SERIES = List.of(
            "realAWSCloudwatch/",
            "realKnownCause/cpu_utilization_asg_misconfiguration",
            "realKnownCause/ec2_request_latency_system_failure",
            "realKnownCause/machine_temperature_system_failure");

    private AnalyzeMain() {}

    public static void main(String[] args) {
        try {
            String command = args.length == 0 ? "" : args[0];
            List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
            switch (command) {
                case "nab" -> {
                    Map<String, String> flags = withNabDir(flags(rest, Set.of("nab", "detector-results")));
                    if (!flags.containsKey("nab")) {
                        throw new IllegalArgumentException("--nab DIR (or NAB_DIR) is required: the NAB folder "
                                + "(data/, labels/, config/), a checkout of github.com/numenta/NAB");
                    }
                    NabCommand.run(flags, System.out);
                }
                case "forecast" -> forecast(withNabDir(flags(rest, Set.of("nab"))));
                default -> throw new IllegalArgumentException(USAGE);
            }
        } catch (IllegalArgumentException | NabFormatException e) {
            System.err.println("dualhub analyze: " + e.getMessage());
            System.exit(2);
        }
    }

    private static void forecast(Map<String, String> flags) {
        double synthetic = ForecastEvaluation.synthetic(System.out);
        String summary = String.format(Locale.ROOT, "synthetic_eta_median_error=%.1f%%", synthetic * 100);
        if (flags.containsKey("nab")) {
            List<NabSeries> machines = NabCorpus.load(Path.of(flags.get("nab"))).series().stream()
                    .filter(s -> MACHINE_SERIES.stream().anyMatch(s.name()::startsWith))
                    .toList();
            summary += String.format(
                    Locale.ROOT, " nab_machine_mase_1h=%.3f", ForecastEvaluation.machineSeries(machines, System.out));
        }
        System.out.println(summary);
    }

    /** The flags, with {@code --nab} taken from the environment variable NAB_DIR when not given. */
    private static Map<String, String> withNabDir(Map<String, String> flags) {
        String env = System.getenv("NAB_DIR");
        if (!flags.containsKey("nab") && env != null && !env.isBlank()) {
            flags.put("nab", env);
        }
        return flags;
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
