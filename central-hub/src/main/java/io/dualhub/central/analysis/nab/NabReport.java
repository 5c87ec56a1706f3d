package io.dualhub.central.analysis.nab;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;

/** Prints NAB scores: one line per profile with its threshold, then the summary line scripts parse. */
final class NabReport {
    private NabReport() {}

    static void print(String detector, NabCorpus corpus, List<NabScore> scores, PrintStream out) {
        out.printf(
                Locale.ROOT,
                "%s on %d series, %d labelled windows (%s)%n",
                detector,
                corpus.series().size(),
                corpus.windowCount(),
                corpus.root());
        for (NabScore s : scores) {
            out.printf(
                    Locale.ROOT,
                    "  %-20s score %6.2f  threshold %.6f  raw %9.3f  rows flagged %d%n",
                    s.profile(),
                    s.normalized(),
                    s.threshold(),
                    s.raw(),
                    s.detections());
        }
        StringBuilder last = new StringBuilder();
        for (NabScore s : scores) {
            last.append(last.isEmpty() ? "" : " ")
                    .append(String.format(Locale.ROOT, "%s=%.1f", s.profile(), s.normalized()));
        }
        out.println(last);
    }
}
