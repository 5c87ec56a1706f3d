package io.dualhub.central.analysis;

import io.dualhub.central.analysis.nab.NabCommand;
import io.dualhub.central.analysis.nab.NabCorpus;
import io.dualhub.central.analysis.nab.NabFormatException;
import io.dualhub.central.analysis.nab.NabSeries;
import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.UsageException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code dualhub analyze nab --nab DIR [--detector-results DIR]} evaluates the anomaly model (or scores a published
 * detector) on the Numenta Anomaly Benchmark; {@code dualhub analyze forecast [--nab DIR]} evaluates the capacity
 * forecasts. Bad usage, or a NAB folder that cannot be read, prints one line and exits 2.
 */
@Command(
        name = "dualhub analyze",
        description = "Score the anomaly model or a published detector on the Numenta Anomaly Benchmark, or measure"
                + " the capacity forecasts.")
public final class AnalyzeMain {
    private static final String NAB =
            "a checkout of github.com/numenta/NAB (data/, labels/, config/);" + " default: $NAB_DIR";
    /** NAB's machine-metric series, for the forecast evaluation. */
    private static final List<String> MACHINE_SERIES = List.of(
            "realAWSCloudwatch/",
            "realKnownCause/cpu_utilization_asg_misconfiguration",
            "realKnownCause/ec2_request_latency_system_failure",
            "realKnownCause/machine_temperature_system_failure");

    public static void main(String[] args) {
        Cli.exit(new AnalyzeMain(), args);
    }

    @Command(name = "nab", description = "The anomaly model's (or a detector's) NAB scores.")
    void nab(
            @Option(names = "--nab", paramLabel = "DIR", defaultValue = "${env:NAB_DIR}", description = NAB) String nab,
            @Option(names = "--detector-results", paramLabel = "DIR", description = "a published detector's outputs")
                    String detectorResults) {
        if (nab == null || nab.isBlank()) {
            throw new UsageException("--nab DIR (or NAB_DIR) is required: the NAB folder "
                    + "(data/, labels/, config/), a checkout of github.com/numenta/NAB");
        }
        Map<String, String> flags = new LinkedHashMap<>();
        flags.put("nab", nab);
        if (detectorResults != null) {
            flags.put("detector-results", detectorResults);
        }
        unreadableIsUsage(() -> NabCommand.run(flags, System.out));
    }

    @Command(name = "forecast", description = "The capacity forecasts' errors: synthetic disks, NAB's machine series.")
    void forecast(
            @Option(names = "--nab", paramLabel = "DIR", defaultValue = "${env:NAB_DIR}", description = NAB)
                    String nab) {
        unreadableIsUsage(() -> forecast(nab == null || nab.isBlank() ? null : Path.of(nab)));
    }

    /** A NAB folder that is not one, or a value NAB's files refuse, is the operator's to fix, like a bad flag. */
    private static void unreadableIsUsage(Runnable evaluation) {
        try {
            evaluation.run();
        } catch (IllegalArgumentException | NabFormatException e) {
            throw new UsageException(e.getMessage());
        }
    }

    private static void forecast(Path nab) {
        double synthetic = ForecastEvaluation.synthetic(System.out);
        String summary = String.format(Locale.ROOT, "synthetic_eta_median_error=%.1f%%", synthetic * 100);
        if (nab != null) {
            List<NabSeries> machines = NabCorpus.load(nab).series().stream()
                    .filter(s -> MACHINE_SERIES.stream().anyMatch(s.name()::startsWith))
                    .toList();
            summary += String.format(
                    Locale.ROOT, " nab_machine_mase_1h=%.3f", ForecastEvaluation.machineSeries(machines, System.out));
        }
        System.out.println(summary);
    }
}
