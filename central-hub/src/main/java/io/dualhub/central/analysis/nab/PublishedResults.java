package io.dualhub.central.analysis.nab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A published detector's outputs laid out like NAB's {@code results/<detector>/}: for data file
 * {@code <category>/<file>.csv} the rows are in {@code <category>/<detector>_<file>.csv}, and we read their
 * {@code anomaly_score} column.
 */
final class PublishedResults {
    private PublishedResults() {}

    static Map<String, double[]> load(Path dir, NabCorpus corpus) {
        if (!Files.isDirectory(dir)) {
            throw new NabFormatException(dir + " is not a folder; --detector-results must name a detector's results "
                    + "folder such as results/twitterADVec");
        }
        Map<String, double[]> scores = new HashMap<>();
        for (NabSeries series : corpus.series()) {
            scores.put(series.name(), readScores(find(dir, series.name())));
        }
        return scores;
    }

    private static Path find(Path dir, String seriesName) {
        Path category = dir.resolve(seriesName).getParent();
        String suffix = "_" + Path.of(seriesName).getFileName();
        try (Stream<Path> files = Files.list(category)) {
            return files.filter(f -> f.getFileName().toString().endsWith(suffix))
                    .findFirst()
                    .orElseThrow(() -> missing(category, suffix));
        } catch (IOException e) {
            throw missing(category, suffix);
        }
    }

    private static NabFormatException missing(Path category, String suffix) {
        return new NabFormatException("no results file <detector>" + suffix + " in " + category);
    }

    private static double[] readScores(Path file) {
        List<String> lines = NabCorpus.readLines(file);
        int column = Arrays.asList(lines.get(0).split(",")).indexOf("anomaly_score");
        if (column < 0) {
            throw new NabFormatException(file + " line 1: no 'anomaly_score' column in the header");
        }
        double[] scores = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            if (cells.length <= column) {
                throw new NabFormatException(file + " line " + (i + 1) + ": no anomaly_score cell");
            }
            scores[i - 1] = NabCorpus.number(cells[column], file, i + 1, "anomaly_score");
        }
        return scores;
    }
}
