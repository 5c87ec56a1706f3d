package io.dualhub.central.analysis.nab;

import io.dualhub.central.analysis.AnomalyModel;
import io.dualhub.central.analysis.AnomalySettings;
import java.util.HashMap;
import java.util.Map;

/** Runs the anomaly model over every NAB series exactly as it runs online: one fresh model, point by point. */
final class NabRun {
    private NabRun() {}

    static Map<String, double[]> detect(NabCorpus corpus) {
        return detect(corpus, AnomalySettings.DEFAULTS);
    }

    static Map<String, double[]> detect(NabCorpus corpus, AnomalySettings settings) {
        Map<String, double[]> scores = new HashMap<>();
        for (NabSeries series : corpus.series()) {
            AnomalyModel model = new AnomalyModel(settings);
            double[] out = new double[series.rows()];
            for (int i = 0; i < out.length; i++) {
                out[i] = model.score(series.epochSeconds()[i], series.values()[i]);
            }
            scores.put(series.name(), out);
        }
        return scores;
    }
}
