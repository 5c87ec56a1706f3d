package io.dualhub.central.analysis;

/**
 * The anomaly model's tuning, validated here; {@link #DEFAULTS} are the values the NAB evaluation was run with.
 *
 * @param warmupPoints points a series must have before it is scored (its quantisation range is learned from them)
 * @param bins         quantisation steps across the warm-up range
 * @param levelAlpha   smoothing of the recent level against which spikes are measured
 * @param spikeWeight  share of the spike surprise in the raw score (the rest is shape novelty)
 * @param shortWindow  points averaged into the recent surprise
 * @param historyAlpha smoothing of the long-run surprise statistics
 * @param minDeviation floor for the long-run surprise deviation, so a perfectly regular series is not hair-trigger
 */
public record AnomalySettings(int warmupPoints, int bins, double levelAlpha, double spikeWeight, int shortWindow,
                              double historyAlpha, double minDeviation) {
    public static final AnomalySettings DEFAULTS = new AnomalySettings(150, 32, 0.05, 0.5, 10, 1e-3, 0.05);

    public AnomalySettings {
        if (warmupPoints < 10) {
            throw new IllegalArgumentException("warmupPoints must be at least 10, got " + warmupPoints);
        }
        if (bins < 2) {
            throw new IllegalArgumentException("bins must be at least 2, got " + bins);
        }
        requireFraction("levelAlpha", levelAlpha);
        requireFraction("spikeWeight", spikeWeight);
        requireFraction("historyAlpha", historyAlpha);
        if (shortWindow < 1) {
            throw new IllegalArgumentException("shortWindow must be at least 1, got " + shortWindow);
        }
        if (minDeviation <= 0) {
            throw new IllegalArgumentException("minDeviation must be positive, got " + minDeviation);
        }
    }

    private static void requireFraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }
}
