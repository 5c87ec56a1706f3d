package io.dualhub.central.analysis;

/**
 * One series' online anomaly model: every point gets a score in [0, 1] from the series' own past only, with
 * constant work and memory per point. Six deviations are measured — the point against the long-run level, the mean
 * of the last few points and of a longer recent stretch against it (level shifts, sudden and gradual), the recent
 * spread against the usual one (a series turning noisy or flat), the step from the previous point against the usual
 * step (a jump inside the usual range) and the point against what this time of day usually looks like — and each is
 * judged by how rare such a deviation has been in this series ({@link TailRecord}); the rarest decides. A value beyond
 * the range the series has covered so far scores at least {@link AnomalySettings#outOfRangeScore} ({@link
 * RangeNovelty}): below the default alert threshold, so alone it alerts only where a lower threshold is chosen, and it
 * lifts the incidents it coincides with. Once a score reaches the alert level the next points are damped, so one
 * incident is one alert.
 */
public final class AnomalyModel {
    private final AnomalySettings settings;
    private final LevelBaseline level;
    private final RecentMean recent;
    private final RecentMean stretch;
    private final SpreadChange spread;
    private final StepChange step;
    private final DailyProfile daily;
    private final RangeNovelty range;
    private final TailRecord spreadTail = new TailRecord();
    private final TailRecord pointTail = new TailRecord();
    private final TailRecord shiftTail = new TailRecord();
    private final TailRecord slowShiftTail = new TailRecord();
    private final TailRecord dailyTail = new TailRecord();
    private final TailRecord stepTail = new TailRecord();
    private long points;
    private int quiet;
    private double incidentPeak;

    public AnomalyModel(AnomalySettings settings) {
        this.settings = settings;
        this.level = new LevelBaseline(settings.levelAlpha(), settings.warmupPoints());
        this.recent = new RecentMean(settings.shiftPoints());
        this.stretch = new RecentMean(settings.slowShiftPoints());
        this.spread = new SpreadChange(settings.spreadPoints(), settings.spreadAlpha());
        this.step = new StepChange(settings.levelAlpha(), settings.warmupPoints());
        this.daily = new DailyProfile(settings.profileBucket(), settings.profileAlpha(), settings.profileDays());
        this.range = new RangeNovelty(settings.rangeTolerance());
    }

    /** Scores the next point of the series ({@code epochSeconds} in time order) and learns from it. */
    public double score(long epochSeconds, double value) {
        boolean warm = points >= settings.warmupPoints();
        double pointZ = level.deviation(value);
        recent.add(value);
        stretch.add(value);
        double shiftZ = recent.full() ? level.deviation(recent.mean()) * settings.shiftGain() : 0;
        double slowShiftZ = stretch.full() ? level.deviation(stretch.mean()) * settings.slowShiftGain() : 0;
        boolean dailyKnown = daily.knows(epochSeconds);
        double dailyZ = dailyKnown ? daily.deviation(epochSeconds, value) : 0;
        double spreadZ = spread.add(value) * settings.spreadGain();
        double stepZ = step.add(value) * settings.stepGain();
        double surprise = Math.max(
                Math.max(
                        Math.max(dailyTail.surprise(dailyZ), slowShiftTail.surprise(slowShiftZ)),
                        stepTail.surprise(stepZ)),
                Math.max(
                        Math.max(pointTail.surprise(pointZ), shiftTail.surprise(shiftZ)),
                        spreadTail.surprise(spreadZ)));
        if (warm && range.outside(value)) {
            surprise = Math.max(surprise, settings.outOfRangeScore() * settings.scaleDecades());
        }
        range.learn(value);
        if (warm) {
            pointTail.learn(pointZ);
            shiftTail.learn(shiftZ);
            slowShiftTail.learn(slowShiftZ);
            spreadTail.learn(spreadZ);
            stepTail.learn(stepZ);
        }
        if (dailyKnown) {
            dailyTail.learn(dailyZ);
        }
        level.learn(value);
        daily.learn(epochSeconds, value);
        points++;
        return warm ? damped(Math.min(1, surprise / settings.scaleDecades())) : 0;
    }

    /**
     * Damps scores after an incident starts, unless one is clearly worse than the incident so far (by the
     * break-through margin): that is news, not the same incident going on.
     */
    private double damped(double score) {
        if (quiet > 0 && score <= incidentPeak + settings.breakThrough()) {
            quiet--;
            return score * settings.quietFactor();
        }
        if (score >= settings.alertLevel()) {
            quiet = settings.quietPoints();
            incidentPeak = score;
        }
        return score;
    }
}
