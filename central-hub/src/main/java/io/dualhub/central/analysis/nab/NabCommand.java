package io.dualhub.central.analysis.nab;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * {@code dualhub analyze nab --nab DIR [--detector-results DIR]}: scores a published detector's outputs, or runs
 * our own anomaly detector over the corpus point by point, and prints the three profiles' scores.
 */
public final class NabCommand {
    private NabCommand() {}

    /** Runs the command; {@code flags} holds {@code nab} and optionally {@code detector-results}. */
    public static void run(Map<String, String> flags, PrintStream out) {
        NabCorpus corpus = NabCorpus.load(Path.of(flags.get("nab")));
        NabScorer scorer = new NabScorer(corpus);
        String resultsDir = flags.get("detector-results");
        if (resultsDir != null) {
            Path dir = Path.of(resultsDir);
            List<NabScore> scores = scorer.score(PublishedResults.load(dir, corpus));
            NabReport.print("published detector " + dir.getFileName(), corpus, scores, out);
        } else {
            NabReport.print("dualhub PredictiveAnalyzer", corpus, scorer.score(NabRun.detect(corpus)), out);
        }
    }
}
