package io.dualhub.central.analysis.nab;

import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;

/**
 * NAB's published scoring method: every scored row gets the weight it would earn as a detection (a scaled sigmoid
 * of its position relative to the anomaly windows), only a window's earliest detection counts, and one threshold for
 * the whole corpus is chosen per profile by sweeping every distinct anomaly score. The score is normalised so that
 * detecting nothing is 0 and detecting every window at its first row is 100.
 */
public final class NabScorer {
    private static final double MAX_TP = scaledSigmoid(-1.0);
    private final NabCorpus corpus;

    public NabScorer(NabCorpus corpus) {
        this.corpus = corpus;
    }

    /** Scores a detector's per-row anomaly scores (in [0, 1], keyed by series name) under every profile. */
    public List<NabScore> score(Map<String, double[]> anomalyScores) {
        return corpus.profiles().stream().map(p -> score(p, anomalyScores)).toList();
    }

    NabScore score(NabProfile profile, Map<String, double[]> anomalyScores) {
        ScoredRows rows = rows(profile, anomalyScores);
        double[] windowBest = new double[corpus.windowCount()];
        boolean[] scorable = new boolean[windowBest.length];
        for (int i = 0; i < rows.size(); i++) {
            if (rows.window[i] >= 0) {
                scorable[rows.window[i]] = true;
            }
        }
        double total = 0;
        for (int w = 0; w < windowBest.length; w++) {
            windowBest[w] = scorable[w] ? -profile.fnWeight() : 0;
            total += windowBest[w];
        }
        double nothingDetected = total;
        Integer[] order = IntStream.range(0, rows.size()).boxed().toArray(Integer[]::new);
        Arrays.sort(
                order,
                Comparator.comparingDouble((Integer i) -> rows.anomaly[i]).reversed());
        double bestScore = total;
        double bestThreshold = 1.1;
        int detections = 0;
        int bestDetections = 0;
        for (int k = 0; k < order.length; k++) {
            int i = order[k];
            if (rows.window[i] < 0) {
                total += rows.weight[i];
            } else if (rows.weight[i] > windowBest[rows.window[i]]) {
                total += rows.weight[i] - windowBest[rows.window[i]];
                windowBest[rows.window[i]] = rows.weight[i];
            }
            detections++;
            boolean lastOfThreshold = k + 1 == order.length || rows.anomaly[order[k + 1]] != rows.anomaly[i];
            if (lastOfThreshold && total > bestScore) {
                bestScore = total;
                bestThreshold = rows.anomaly[i];
                bestDetections = detections;
            }
        }
        double perfect = profile.tpWeight() * corpus.windowCount();
        double normalized = 100 * (bestScore - nothingDetected) / (perfect - nothingDetected);
        return new NabScore(profile.name(), bestThreshold, bestScore, normalized, bestDetections);
    }

    /** Every scored (post-probation) row of the corpus: its anomaly score, its weight as a detection, its window. */
    private ScoredRows rows(NabProfile profile, Map<String, double[]> anomalyScores) {
        ScoredRows rows = new ScoredRows();
        int windowBase = 0;
        for (NabSeries series : corpus.series()) {
            double[] scores = anomalyScores.get(series.name());
            if (scores == null || scores.length != series.rows()) {
                throw new NabFormatException(series.name() + ": expected " + series.rows() + " anomaly scores, got "
                        + (scores == null ? "none" : scores.length));
            }
            addRows(rows, profile, series, scores, windowBase);
            windowBase += series.windows().size();
        }
        return rows;
    }

    private static void addRows(
            ScoredRows rows, NabProfile profile, NabSeries series, double[] scores, int windowBase) {
        List<NabSeries.Window> windows = series.windows();
        int next = 0;
        NabSeries.Window previous = null;
        for (int i = 0; i < series.rows(); i++) {
            while (next < windows.size() && windows.get(next).last() < i) {
                previous = windows.get(next++);
            }
            boolean inWindow = next < windows.size() && windows.get(next).first() <= i;
            double weight;
            if (inWindow) {
                NabSeries.Window w = windows.get(next);
                weight = profile.tpWeight() * scaledSigmoid(-(w.last() - i + 1) / (double) w.width()) / MAX_TP;
            } else {
                double position =
                        previous == null ? 3.0 : Math.abs(previous.last() - i) / (double) (previous.width() - 1);
                weight = profile.fpWeight() * scaledSigmoid(position);
            }
            if (i >= series.probationRows()) {
                rows.add(scores[i], weight, inWindow ? windowBase + next : -1);
            }
        }
    }

    /** NAB's scaled sigmoid: near +1 at a window's left edge, 0 at its right edge, -1 three widths past it. */
    static double scaledSigmoid(double position) {
        return position >= 3.0 ? -1.0 : 2 / (1 + Math.exp(5 * position)) - 1.0;
    }

    /** Column arrays, to keep 365 k rows compact. */
    private static final class ScoredRows {
        double[] anomaly = new double[1024];
        double[] weight = new double[1024];
        int[] window = new int[1024];
        private int size;

        void add(double anomalyScore, double rowWeight, int windowIndex) {
            if (size == anomaly.length) {
                anomaly = Arrays.copyOf(anomaly, size * 2);
                weight = Arrays.copyOf(weight, size * 2);
                window = Arrays.copyOf(window, size * 2);
            }
            anomaly[size] = anomalyScore;
            weight[size] = rowWeight;
            window[size++] = windowIndex;
        }

        int size() {
            return size;
        }
    }
}
