package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EdgeLedgersTest {
    @TempDir
    Path dir;

    @Test
    void aWorkingCopyCountsOnlyOnceItsCommitIsDone() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            EdgeLedgers ledgers = new EdgeLedgers();
            ledgers.load(db.writer());
            EdgeLedger working = ledgers.working("a");
            working.trackerFor("a1").record(1);
            working.stored(3, 10);
            ledgers.save(db.saveEdge(), List.of(working));
            assertThat(ledgers.snapshot()).as("saved, not yet committed").isEmpty();
            assertThat(ledgers.working("a").tracker.contiguous()).isZero();
            ledgers.committed(List.of(working));
            assertThat(ledgers.snapshot().get("a").points()).isEqualTo(3);
            assertThat(ledgers.working("a").tracker.contiguous()).isEqualTo(1);
        }
    }

    @Test
    void aNegativeCountIsABugAndIsNotSaved() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            EdgeLedgers ledgers = new EdgeLedgers();
            EdgeLedger working = ledgers.working("a");
            working.duplicates = -1;
            assertThatThrownBy(() -> ledgers.save(db.saveEdge(), List.of(working)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageStartingWith("BUG: edge a's ledger has a negative count");
            ledgers.load(db.writer());
            assertThat(ledgers.snapshot()).isEmpty();
        }
    }

    /** A sequence once stored stays stored: a tracker that would go back within its incarnation is a bug. */
    @Test
    void aTrackerGoingBackIsABugButANewIncarnationStartsAgain() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            EdgeLedgers ledgers = new EdgeLedgers();
            EdgeLedger first = ledgers.working("a");
            for (long seq = 1; seq <= 3; seq++) {
                first.trackerFor("a1").record(seq);
            }
            ledgers.save(db.saveEdge(), List.of(first));
            ledgers.committed(List.of(first));
            EdgeLedger back = ledgers.working("a");
            back.tracker = new SequenceTracker(2, List.of());
            assertThatThrownBy(() -> ledgers.save(db.saveEdge(), List.of(back)))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessage("BUG: edge a's tracker would go back from 3 to 2");
            EdgeLedger renewed = ledgers.working("a");
            renewed.trackerFor("b2").record(1);
            ledgers.save(db.saveEdge(), List.of(renewed));
            ledgers.committed(List.of(renewed));
            assertThat(ledgers.snapshot().get("a").contiguousSeq()).isEqualTo(1);
        }
    }
}
