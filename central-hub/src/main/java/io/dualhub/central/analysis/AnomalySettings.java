package io.dualhub.central.analysis;

/**
 * The anomaly model's tuning, validated here; built by {@link #custom()}, each value starting at its named default
 * below: {@link #DEFAULTS} are the values the NAB evaluation was run with.
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
    public static final int DEFAULT_WARMUP_POINTS = 150;
    public static final double DEFAULT_LEVEL_ALPHA = 0.002;
    public static final int DEFAULT_SHIFT_POINTS = 10;
    public static final double DEFAULT_SHIFT_GAIN = 3;
    public static final int DEFAULT_SLOW_SHIFT_POINTS = 50;
    public static final double DEFAULT_SLOW_SHIFT_GAIN = 5;
    public static final int DEFAULT_SPREAD_POINTS = 30;
    public static final double DEFAULT_SPREAD_GAIN = 3;
    public static final double DEFAULT_SPREAD_ALPHA = 0.005;
    public static final double DEFAULT_STEP_GAIN = 0.5;
    public static final int DEFAULT_PROFILE_BUCKET = 1800;
    public static final double DEFAULT_PROFILE_ALPHA = 0.2;
    public static final int DEFAULT_PROFILE_DAYS = 5;
    public static final double DEFAULT_SCALE_DECADES = 6.5;
    public static final double DEFAULT_ALERT_LEVEL = 0.6;
    public static final int DEFAULT_QUIET_POINTS = 100;
    public static final double DEFAULT_QUIET_FACTOR = 0.5;
    public static final double DEFAULT_BREAK_THROUGH = 0.2;
    public static final double DEFAULT_RANGE_TOLERANCE = 0.025;
    public static final double DEFAULT_OUT_OF_RANGE_SCORE = 0.7;

    /** The tuning the NAB evaluation was run with. */
    public static final AnomalySettings DEFAULTS = custom().build();

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

    public static Builder custom() {
        return new Builder();
    }

    /** Starts from the defaults (the NAB evaluation's); each setter replaces one value. */
    public static final class Builder {
        private int warmupPoints = DEFAULT_WARMUP_POINTS;
        private double levelAlpha = DEFAULT_LEVEL_ALPHA;
        private int shiftPoints = DEFAULT_SHIFT_POINTS;
        private double shiftGain = DEFAULT_SHIFT_GAIN;
        private int slowShiftPoints = DEFAULT_SLOW_SHIFT_POINTS;
        private double slowShiftGain = DEFAULT_SLOW_SHIFT_GAIN;
        private int spreadPoints = DEFAULT_SPREAD_POINTS;
        private double spreadGain = DEFAULT_SPREAD_GAIN;
        private double spreadAlpha = DEFAULT_SPREAD_ALPHA;
        private double stepGain = DEFAULT_STEP_GAIN;
        private int profileBucket = DEFAULT_PROFILE_BUCKET;
        private double profileAlpha = DEFAULT_PROFILE_ALPHA;
        private int profileDays = DEFAULT_PROFILE_DAYS;
        private double scaleDecades = DEFAULT_SCALE_DECADES;
        private double alertLevel = DEFAULT_ALERT_LEVEL;
        private int quietPoints = DEFAULT_QUIET_POINTS;
        private double quietFactor = DEFAULT_QUIET_FACTOR;
        private double breakThrough = DEFAULT_BREAK_THROUGH;
        private double rangeTolerance = DEFAULT_RANGE_TOLERANCE;
        private double outOfRangeScore = DEFAULT_OUT_OF_RANGE_SCORE;

        private Builder() {}

        public Builder warmupPoints(int value) {
            this.warmupPoints = value;
            return this;
        }

        public Builder levelAlpha(double value) {
            this.levelAlpha = value;
            return this;
        }

        public Builder shiftPoints(int value) {
            this.shiftPoints = value;
            return this;
        }

        public Builder shiftGain(double value) {
            this.shiftGain = value;
            return this;
        }

        public Builder slowShiftPoints(int value) {
            this.slowShiftPoints = value;
            return this;
        }

        public Builder slowShiftGain(double value) {
            this.slowShiftGain = value;
            return this;
        }

        public Builder spreadPoints(int value) {
            this.spreadPoints = value;
            return this;
        }

        public Builder spreadGain(double value) {
            this.spreadGain = value;
            return this;
        }

        public Builder spreadAlpha(double value) {
            this.spreadAlpha = value;
            return this;
        }

        public Builder stepGain(double value) {
            this.stepGain = value;
            return this;
        }

        public Builder profileBucket(int value) {
            this.profileBucket = value;
            return this;
        }

        public Builder profileAlpha(double value) {
            this.profileAlpha = value;
            return this;
        }

        public Builder profileDays(int value) {
            this.profileDays = value;
            return this;
        }

        public Builder scaleDecades(double value) {
            this.scaleDecades = value;
            return this;
        }

        public Builder alertLevel(double value) {
            this.alertLevel = value;
            return this;
        }

        public Builder quietPoints(int value) {
            this.quietPoints = value;
            return this;
        }

        public Builder quietFactor(double value) {
            this.quietFactor = value;
            return this;
        }

        public Builder breakThrough(double value) {
            this.breakThrough = value;
            return this;
        }

        public Builder rangeTolerance(double value) {
            this.rangeTolerance = value;
            return this;
        }

        public Builder outOfRangeScore(double value) {
            this.outOfRangeScore = value;
            return this;
        }

        public AnomalySettings build() {
            return new AnomalySettings(
                    warmupPoints,
                    levelAlpha,
                    shiftPoints,
                    shiftGain,
                    slowShiftPoints,
                    slowShiftGain,
                    spreadPoints,
                    spreadGain,
                    spreadAlpha,
                    stepGain,
                    profileBucket,
                    profileAlpha,
                    profileDays,
                    scaleDecades,
                    alertLevel,
                    quietPoints,
                    quietFactor,
                    breakThrough,
                    rangeTolerance,
                    outOfRangeScore);
        }
    }
}
