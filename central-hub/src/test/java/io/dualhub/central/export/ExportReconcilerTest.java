package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.store.EdgeStoreState;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The reconciliation's rounds on their own: what counts as missing, when it is judged, replayed and given up. */
class ExportReconcilerTest {
    private static final long MINUTE = ExportReconciler.REPLAY_MARGIN.toMillis();
    private static final long[] IDLE = {Long.MAX_VALUE, Long.MAX_VALUE};

    private final ExportReconciler reconciler = new ExportReconciler();

    @Test
    void whatTheStoreDoesNotHoldOrTheEdgeDeclaredIsNotMissingNorIsAnythingBelowTheFirstBatchHandled() {
        handle(5, 10 * MINUTE);
        handle(6, 11 * MINUTE);
        handle(9, 12 * MINUTE);
        EdgeStoreState stored = stored(12, List.of(new long[] {7, 7}), List.of("11-11"));

        assertThat(ranges(reconciler.missing(List.of(stored))))
                .as("1..4 were exported before this hub led; 7 is not stored; 11 was declared dropped")
                .containsExactly("8..8", "10..10", "12..12");
        EdgeStoreState restarted = new EdgeStoreState(
                "e1", 3, 3, 3, 3, 0, 0, 0, 0, List.of(), 0, List.of(), List.of(), "inc-b", 0, List.of());
        assertThat(reconciler.missing(List.of(restarted)))
                .as("another incarnation's sequences are not this one's")
                .isEmpty();
        assertThat(reconciler.missing(List.of(stored)))
                .as("the earlier incarnation's account was forgotten once the store moved on")
                .isEmpty();
    }

    @Test
    void missingIsJudgedOnlyOnceTheConsumersReadPastThenReplayedThenGivenUp() {
        handle(1, 10 * MINUTE);
        handle(3, 11 * MINUTE);
        List<ExportReconciler.Missing> missing = reconciler.missing(List.of(stored(3, List.of(), List.of())));

        assertThat(reconciler.judge(missing, new long[] {40, Long.MAX_VALUE}, new long[] {50, 20}, true))
                .as("found missing")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
        assertThat(reconciler.judge(missing, new long[] {49, 20}, new long[] {60, 20}, true))
                .as("the consumers have not acknowledged all the streams held then: it may be ordinary lag")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
        ExportReconciler.Verdict replay = reconciler.judge(missing, new long[] {50, 20}, new long[] {60, 20}, true);
        assertThat(replay.replayFromMs())
                .as("a minute before the last batch handled in order (1)")
                .isEqualTo(9 * MINUTE);
        assertThat(reconciler.judge(missing, IDLE, new long[] {60, 20}, false))
                .as("the replay is under way")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);

        handle(5, 12 * MINUTE); // 4 and 6 found missing after the replay began, 2 still missing
        missing = reconciler.missing(List.of(stored(6, List.of(), List.of())));
        ExportReconciler.Verdict after = reconciler.judge(missing, IDLE, new long[] {70, 20}, true);
        assertThat(ranges(after.givenUp())).as("what the replay did not bring").containsExactly("2..2");
        assertThat(after.replayFromMs())
                .as("4 and 6 are only found missing yet")
                .isEqualTo(-1);
        assertThat(reconciler.judge(missing, IDLE, new long[] {70, 20}, true).replayFromMs())
                .isEqualTo(9 * MINUTE);
        assertThat(ranges(reconciler.missing(List.of(stored(6, List.of(), List.of())))))
                .containsExactly("4..4", "6..6");
    }

    @Test
    void aTailThatMovesOnIsLagNotMissing() {
        handle(1, MINUTE);
        reconciler.judge(reconciler.missing(List.of(stored(3, List.of(), List.of()))), IDLE, new long[] {3, 0}, true);
        handle(2, MINUTE);
        handle(3, MINUTE);
        assertThat(reconciler.judge(
                        reconciler.missing(List.of(stored(5, List.of(), List.of()))), IDLE, new long[] {5, 0}, true))
                .as("2..3 were exported meanwhile; 4..5 are new: the store is a little ahead under load")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
    }

    @Test
    void aChangeOfLeadershipForgetsWhatWasHandled() {
        handle(1, MINUTE);
        reconciler.reset();
        assertThat(reconciler.missing(List.of(stored(5, List.of(), List.of())))).isEmpty();
    }

    private void handle(long seq, long atMs) {
        reconciler.handled(new ExportReconciler.Handled("e1", "inc-a", seq, seq, atMs));
    }

    private static List<String> ranges(List<ExportReconciler.Missing> missing) {
        return missing.stream()
                .flatMap(m -> m.ranges().stream())
                .map(r -> r[0] + ".." + r[1])
                .toList();
    }

    private static EdgeStoreState stored(long highest, List<long[]> holes, List<String> dropped) {
        return new EdgeStoreState(
                "e1", highest, highest, highest, highest, 0, 0, 0, 0, dropped, 0, List.of(), holes, "inc-a", 0,
                List.of());
    }
}
