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
    }

    @Test
    void whatTheExporterHandledBeyondTheStoreIsNotMissingBelowIt() {
        handle(5, MINUTE);
        handle(6, MINUTE);
        handle(9, MINUTE);
        assertThat(ranges(reconciler.missing(List.of(stored(6, List.of(), List.of())))))
                .as("7..8 are not stored yet: the store is behind, nothing of it is missing from the export")
                .isEmpty();
    }

    @Test
    void anOlderBatchHandledFirstDoesNotOpenAHoleBelowWhatTheStoreHeldAtTheStart() {
        reconciler.reset(List.of(stored(999, List.of(), List.of()))); // this hub begins leading
        handle(50, MINUTE); // a resend from long ago, handled first
        handle(1000, MINUTE);
        assertThat(reconciler.missing(List.of(stored(1000, List.of(), List.of()))))
                .isEmpty();
    }

    @Test
    void missingIsJudgedOnlyOnceTheConsumersReadPastThenReplayedThenGivenUp() {
        handle(1, 10 * MINUTE);
        handle(3, 11 * MINUTE);
        EdgeStoreState upTo3 = stored(3, List.of(), List.of());

        assertThat(judge(upTo3, new long[] {40, Long.MAX_VALUE}, new long[] {50, 20}, true, 11 * MINUTE))
                .as("found missing")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
        assertThat(judge(upTo3, new long[] {49, 20}, new long[] {60, 20}, true, 11 * MINUTE))
                .as("the consumers have not acknowledged all the streams held then: it may be ordinary lag")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
        ExportReconciler.Verdict replay = judge(upTo3, new long[] {50, 20}, new long[] {60, 20}, true, 11 * MINUTE);
        assertThat(replay.replayFromMs())
                .as("a minute before the last batch handled in order (1), which is before 2 was found missing")
                .isEqualTo(9 * MINUTE);
        assertThat(ranges(replay.replayed())).containsExactly("2..2");
        assertThat(judge(upTo3, IDLE, new long[] {60, 20}, false, 11 * MINUTE))
                .as("the replay is under way")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);

        handle(5, 12 * MINUTE); // 4 and 6 found missing after the replay began, 2 still missing
        EdgeStoreState upTo6 = stored(6, List.of(), List.of());
        ExportReconciler.Verdict after = judge(upTo6, IDLE, new long[] {70, 20}, true, 13 * MINUTE);
        assertThat(ranges(after.givenUp())).as("what the replay did not bring").containsExactly("2..2");
        assertThat(after.replayFromMs())
                .as("4 and 6 are only found missing yet")
                .isEqualTo(-1);
        ExportReconciler.Verdict next = judge(upTo6, IDLE, new long[] {70, 20}, true, 13 * MINUTE);
        assertThat(ranges(next.replayed())).containsExactly("4..4", "6..6");
        assertThat(next.replayFromMs())
                .as("still a minute before 1's time: giving 2 up is not handling it, so the in-order time stays")
                .isEqualTo(9 * MINUTE);
    }

    @Test
    void aReplayStartsBeforeTheRangeWasFoundButNoFurtherBackThanTheLookback() {
        handle(1, MINUTE);
        handle(3, 100 * MINUTE); // 2 never came: the edge's prefix ends at 1, published long ago
        EdgeStoreState upTo3 = stored(3, List.of(), List.of());
        judge(upTo3, IDLE, new long[] {5, 0}, true, 100 * MINUTE);
        ExportReconciler.Verdict replay = judge(upTo3, IDLE, new long[] {5, 0}, true, 101 * MINUTE);
        assertThat(replay.replayFromMs())
                .as("found at 100 min: from 10 min before that, and the margin")
                .isEqualTo(100 * MINUTE - ExportReconciler.MAX_LOOKBACK.toMillis() - MINUTE);
    }

    @Test
    void aTailThatMovesOnIsLagNotMissing() {
        handle(1, MINUTE);
        judge(stored(3, List.of(), List.of()), IDLE, new long[] {3, 0}, true, MINUTE);
        handle(2, MINUTE);
        handle(3, MINUTE);
        assertThat(judge(stored(5, List.of(), List.of()), IDLE, new long[] {5, 0}, true, MINUTE))
                .as("2..3 were exported meanwhile; 4..5 are new: the store is a little ahead under load")
                .isEqualTo(ExportReconciler.Verdict.NOTHING);
    }

    @Test
    void aChangeOfLeadershipForgetsWhatWasHandled() {
        handle(1, MINUTE);
        reconciler.reset(List.of());
        assertThat(reconciler.missing(List.of(stored(5, List.of(), List.of())))).isEmpty();
    }

    /** One round as the exporter runs it: what is missing now, then judged. */
    private ExportReconciler.Verdict judge(
            EdgeStoreState stored, long[] ackFloors, long[] ends, boolean replayIdle, long nowMs) {
        return reconciler.judge(reconciler.missing(List.of(stored)), ackFloors, ends, replayIdle, nowMs);
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

    /** A store holding up to {@code highest} but the {@code holes}, with {@code dropped} declared. */
    private static EdgeStoreState stored(long highest, List<long[]> holes, List<String> dropped) {
        long contiguous = holes.isEmpty() ? highest : holes.get(0)[0] - 1;
        return new EdgeStoreState(
                "e1",
                contiguous,
                highest,
                highest,
                highest,
                0,
                0,
                0,
                0,
                dropped,
                0,
                List.of(),
                holes,
                "inc-a",
                0,
                List.of());
    }
}
