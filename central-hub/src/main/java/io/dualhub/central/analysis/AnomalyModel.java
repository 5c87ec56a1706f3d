package io.dualhub.central.analysis;

import java.util.HashMap;
import java.util.Map;

/**
 * One series' online anomaly model: every point gets a score in [0, 1] from its own past only, with constant work
 * per point. Two surprises are combined — how far the value is from the recent level (spikes, level shifts) and
 * whether the recent shape of the series, quantised, has been seen before (pattern changes) — and then judged
 * against this series' own history of surprises, so that a noisy series does not alert on its usual noise.
 */
public final class AnomalyModel {
    private final AnomalySettings settings;
    private final Map<Long, Integer> seenShapes = new HashMap<>();
    private long points;
    private double warmMin = Double.POSITIVE_INFINITY;
    private double warmMax = Double.NEGATIVE_INFINITY;
    private double binWidth;
    private long previousBin = Long.MIN_VALUE;
    private long olderBin = Long.MIN_VALUE;
    private double levelMean;
    private double levelVar;
    private final RunningSurprise surprise;

    public AnomalyModel(AnomalySettings settings) {
        this.settings = settings;
        this.surprise = new RunningSurprise(settings);
    }

    /** Scores the next point of the series; points must come in time order. */
    public double score(double value) {
        points++;
        double spike = spike(value);
        double novelty = novelty(value);
        if (points <= settings.warmupPoints()) {
            surprise.observe(Math.max(spike, novelty));
            return 0;
        }
        return surprise.likelihood(settings.spikeWeight() * spike + (1 - settings.spikeWeight()) * novelty);
    }

    /** 1 - the two-sided tail probability of the value under the recent level's mean and deviation. */
    private double spike(double value) {
        double alpha = points == 1 ? 1 : settings.levelAlpha();
        double deviation = Math.sqrt(levelVar);
        double z = deviation > 0 ? Math.abs(value - levelMean) / deviation : 0;
        double diff = value - levelMean;
        levelMean += alpha * diff;
        levelVar = (1 - alpha) * (levelVar + alpha * diff * diff);
        return points < 3 ? 0 : 1 - Gaussian.tail(z);
    }

    /** How new the quantised value and its last two predecessors are, as a fraction of the three shapes. */
    private double novelty(double value) {
        if (points <= settings.warmupPoints()) {
            warmMin = Math.min(warmMin, value);
            warmMax = Math.max(warmMax, value);
            if (points < settings.warmupPoints()) {
                return 0;
            }
            binWidth = warmMax > warmMin ? (warmMax - warmMin) / settings.bins() : Math.max(Math.abs(warmMax), 1) * 1e-3;
        }
        long bin = (long) Math.floor((value - warmMin) / binWidth);
        double unseen = 0;
        unseen += learn(shape(1, bin, 0, 0)) ? 0.5 : 0;
        unseen += learn(shape(2, bin, previousBin, 0)) ? 0.3 : 0;
        unseen += learn(shape(3, bin, previousBin, olderBin)) ? 0.2 : 0;
        olderBin = previousBin;
        previousBin = bin;
        return unseen;
    }

    private boolean learn(long shape) {
        return seenShapes.merge(shape, 1, Integer::sum) == 1;
    }

    private static long shape(int order, long bin, long previous, long older) {
        long h = order;
        h = h * 1_000_003L + bin;
        h = h * 1_000_003L + previous;
        h = h * 1_000_003L + older;
        return h;
    }
}
