package io.dualhub.central.gaps;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.testkit.MutableClock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The gap schedule on a test clock, one round per second as gap repair checks: a range is acted on once past its
 * grace, then every grace while the edge answers, the wait doubling with each request it did not answer up to 64
 * graces; a range seen again by another hub is the same range; one not seen in a round starts over.
 */
class GapScheduleTest {
    private static final Duration GRACE = Duration.ofSeconds(2);
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final GapSchedule schedule = new GapSchedule(GRACE);
    private final MissingRange range = new MissingRange("a", "e1", "inc", 5, 9);
    private final long start = clock.millis();

    /** Seconds since the start at which the range was due within {@code seconds}, acted on with {@code answered}. */
    private List<Long> dueTimes(int seconds, boolean answered) {
        List<Long> due = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            schedule.beginRound();
            GapSchedule.Watched w = schedule.due(range, clock.millis(), null, clock.millis());
            if (w != null) {
                GapSchedule.acted(w, answered, clock.millis());
                due.add((clock.millis() - start) / 1000);
            }
            schedule.endRound();
            clock.advance(Duration.ofSeconds(1));
        }
        return due;
    }

    @Test
    void anAnsweredRangeIsAskedOnceItsGraceIsOverThenEveryGrace() {
        assertThat(dueTimes(9, true)).containsExactly(2L, 4L, 6L, 8L);
    }

    @Test
    void eachUnansweredRequestDoublesTheWaitUpToSixtyFourGraces() {
        // after the n-th unanswered request the wait is 2^n graces: 2, 4, 8, 16, 32, then 64 (128 s) from then on
        assertThat(dueTimes(500, false)).containsExactly(2L, 6L, 14L, 30L, 62L, 126L, 254L, 382L);
    }

    @Test
    void theSameRangeSeenByAnotherHubIsTheSameRange() {
        dueTimes(3, true); // asked at 2 s
        schedule.beginRound();
        MissingRange reported = new MissingRange("b", "e1", "inc", 5, 7);
        assertThat(schedule.due(reported, clock.millis() - GRACE.toMillis(), null, clock.millis()))
                .as("asked 1 s ago, under whichever hub's name")
                .isNull();
    }

    @Test
    void aRangeNotSeenInARoundStartsOverWhenItComesBack() {
        dueTimes(3, false); // asked at 2 s, unanswered
        schedule.beginRound();
        schedule.endRound(); // filled meanwhile
        clock.advance(Duration.ofSeconds(10));
        schedule.beginRound();
        assertThat(schedule.due(range, clock.millis(), null, clock.millis()))
                .as("a grace from now, not the doubled wait")
                .isNull();
        clock.advance(GRACE);
        assertThat(schedule.due(range, clock.millis(), null, clock.millis())).isNotNull();
    }

    @Test
    void aRangeIsJudgedOnlyOnceEveryStreamWasReadPastWhereItEndedWhenFirstSeen() {
        schedule.beginRound();
        GapSchedule.Watched w =
                schedule.due(range, clock.millis() - GRACE.toMillis(), new long[] {10, 20}, clock.millis());
        assertThat(w.readPast(new long[] {10, 19})).isFalse();
        assertThat(w.readPast(new long[] {10, 20})).isTrue();
        assertThatThrownBy(() -> w.readPast(new long[] {10})).hasMessageStartingWith("BUG: 1 ack floors for 2");
    }
}
