package io.dualhub.central.analysis;

/**
 * The anomaly model's tuning, validated here; {@link #DEFAULTS} are the values the NAB evaluation was run with.
 *
 * @param warmupPoints  points a series must have before it is scored
 * @param levelAlpha    smoothing of the long-run level and spread that spikes and shifts are measured against
 * @param shiftPoints   points averaged into the recent level (a level shift moves it)
 * @param shiftGain     weight of the recent level's deviation relative to a single point's
 * @param slowShiftPoints points averaged into a longer recent stretch (a gradual shift moves it)
 * @param slowShiftGain weight of that stretch's deviation
 * @param spreadPoints  points whose spread is compared with the usual spread
 * @param spreadGain    weight of the log spread ratio
 * @param spreadAlpha   smoothing of the usual spread
 * @param stepGain      weight of the step from the previous point against the usual step (a jump is noisier evidence
 *                      than a shifted mean, so it counts for less than a point's own deviation)
 * @param profileBucket seconds of the day that share one slot of the daily profile
 * @param profileAlpha  how fast a daily-profile slot follows new days
 * @param profileDays   days a daily-profile slot must have seen before points are compared with it
 * @param scaleDecades  decades of improbability that map to score 1 (score = -log10(p) / scaleDecades)
 * @param alertLevel    score at which an incident starts; the default alert threshold
 * @param quietPoints   points after an incident starts during which scores are damped, so one incident is one alert
 * @param quietFactor   the damping factor for those points
 * @param breakThrough  how much worse than the incident's peak a score must be to pass undamped
 * @param rangeTolerance share of the range seen so far that a value must pass it by to be out of range
 * @param outOfRangeScore the score an out-of-range value gets at least (after warm-up)
 */
public record AnomalySettings(
        int warmupPoints,
        double levelAlpha,
        int shiftPoints,
        double shiftGain,
        int slowShiftPoints,
        double slowShiftGain,
        int spreadPoints,
        double spreadGain,
        double spreadAlpha,
        double stepGain,
        int profileBucket,
        double profileAlpha,
        int profileDays,
        double scaleDecades,
        double alertLevel,
        int quietPoints,
        double quietFactor,
        double breakThrough,
        double rangeTolerance,
        double outOfRangeScore) {
    public static final AnomalySettings DEFAULTS = new AnomalySettings(
            150, 0.002, 10, 3, 50, 5, 30, 3, 0.005, 0.5, 1800, 0.2, 5, 6.5, 0.6, 100, 0.5, 0.2, 0.025, 0.7);

    public AnomalySettings {
        atLeast("warmupPoints", warmupPoints, 10);
        atLeast("shiftPoints", shiftPoints, 1);
        atLeast("slowShiftPoints", slowShiftPoints, 1);
        atLeast("spreadPoints", spreadPoints, 2);
        atLeast("profileBucket", profileBucket, 1);
        atLeast("profileDays", profileDays, 1);
        atLeast("quietPoints", quietPoints, 0);
        if (86_400 % profileBucket != 0) {
            throw new IllegalArgumentException("profileBucket must divide a day (86400 s), got " + profileBucket);
        }
        fraction("levelAlpha", levelAlpha);
        fraction("spreadAlpha", spreadAlpha);
        fraction("profileAlpha", profileAlpha);
        fraction("alertLevel", alertLevel);
        fraction("quietFactor", quietFactor);
        fraction("breakThrough", breakThrough);
        fraction("outOfRangeScore", outOfRangeScore);
        if (!(rangeTolerance >= 0)) {
            throw new IllegalArgumentException("rangeTolerance must be at least 0, got " + rangeTolerance);
        }
        if (!(shiftGain > 0) || !(slowShiftGain > 0) || !(spreadGain > 0) || !(stepGain > 0) || !(scaleDecades > 0)) {
            throw new IllegalArgumentException("shiftGain, slowShiftGain, spreadGain, stepGain and scaleDecades must "
                    + "be positive, got " + shiftGain + ", " + slowShiftGain + ", " + spreadGain + ", " + stepGain
                    + " and " + scaleDecades);
        }
    }

    private static void atLeast(String name, int value, int min) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be at least " + min + ", got " + value);
        }
    }

    private static void fraction(String name, double value) {
        if (!(value >= 0 && value <= 1)) {
            throw new IllegalArgumentException(name + " must be in [0, 1], got " + value);
        }
    }
}
