package io.dualhub.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The same host-metrics forwarding job done by Prometheus in agent mode (scraping node-exporter, remote-writing to
 * VictoriaMetrics) beside the dualhub edge: memory, CPU, and through a receiver outage what each loses and how long
 * each takes to catch up. Needs Debian's prometheus, prometheus-node-exporter and victoria-metrics; without them the
 * stage is skipped with the command that installs them.
 */
final class PeerBench {
    static final String INSTALL = "apt-get install -y prometheus prometheus-node-exporter victoria-metrics";
    private static final List<String> BINARIES = List.of("/usr/bin/prometheus", "/usr/bin/prometheus-node-exporter",
            "/usr/bin/victoria-metrics");
    private final int seconds;

    PeerBench(int seconds) {
        this.seconds = seconds;
    }

    void run(Report report) {
        List<String> missing = BINARIES.stream().filter(b -> !Files.isExecutable(Path.of(b))).toList();
        if (!missing.isEmpty()) {
            String note = "peer: skipped, " + String.join(", ", missing) + " not installed; install with: " + INSTALL;
            System.out.println(note);
            report.note(note);
            return;
        }
        report.note("peer: the comparison run over " + seconds + " s is not implemented yet (issue 7 continues)");
    }
}
