package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.GapDeclaration;
import java.nio.file.Path;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LedgerCodecTest {
    @TempDir
    Path dir;

    private static SequenceTracker tracker(long contiguous, long... above) {
        SequenceTracker t = new SequenceTracker(contiguous, List.of());
        for (long seq : above) {
            t.record(seq);
        }
        return t;
    }

    @Test
    void retiredTrackersReadBackAsWritten() {
        Map<String, SequenceTracker> retired = new LinkedHashMap<>();
        retired.put("a1", tracker(5, 7, 8, 9, 12));
        retired.put("b2", tracker(0));
        retired.put("c3", tracker(3));
        String text = LedgerCodec.retiredAsText(retired);
        assertThat(text).isEqualTo("a1:5:7-9|12;b2:0:;c3:3:");
        Map<String, SequenceTracker> read = LedgerCodec.retiredFromText(text);
        assertThat(read).containsOnlyKeys("a1", "b2", "c3");
        assertThat(read.keySet()).as("in the order they were retired").containsExactly("a1", "b2", "c3");
        assertThat(read.get("a1").contiguous()).isEqualTo(5);
        assertThat(read.get("a1").aboveAsText()).isEqualTo("7-9,12");
        assertThat(read.get("c3").contiguous()).isEqualTo(3);
        assertThat(LedgerCodec.retiredAsText(read)).isEqualTo(text);
        assertThat(LedgerCodec.retiredFromText("")).isEmpty();
        assertThat(LedgerCodec.retiredFromText(null)).isEmpty();
    }

    @Test
    void aRetiredTrackerWithoutItsThreeFieldsIsRefused() {
        assertThatThrownBy(() -> LedgerCodec.retiredFromText("a1:5:7|8;b2:4"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("'b2:4'");
        assertThatThrownBy(() -> LedgerCodec.retiredFromText("a1:five:")).isInstanceOf(NumberFormatException.class);
    }

    /** Every field of a ledger goes through its row of {@code edges} and back unchanged. */
    @Test
    void aLedgerReadsBackFromItsRowAsItWasSaved() throws Exception {
        EdgeLedger saved = EdgeLedger.empty("lab");
        saved.trackerFor("a1").record(1);
        saved.trackerFor("a1").record(2);
        saved.trackerFor("b2").record(1);
        saved.trackerFor("b2").record(4);
        saved.stored(10, 1_234);
        saved.duplicate();
        saved.declare(new GapDeclaration("lab", "b2", 2, 2, GapDeclaration.Reason.OVERFLOW, new int[] {7}, 0));
        saved.declare(GapDeclaration.lost("lab", "b2", 6, 7, 0));
        saved.refused(9);
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            EdgeLedgers ledgers = new EdgeLedgers();
            ledgers.save(db.saveEdge(), List.of(saved));
            ledgers.load(db.writer());
            EdgeStoreState read = ledgers.snapshot().get("lab");
            assertThat(read).usingRecursiveComparison().isEqualTo(saved.state());
            EdgeLedger again = ledgers.working("lab");
            assertThat(again.retired).containsOnlyKeys("a1");
            assertThat(again.retired.get("a1").contiguous()).isEqualTo(2);
            assertThat(again.trackerFor("b2").aboveAsText()).isEqualTo("4,6-7");
        }
    }

    /** A row whose text does not read back stops the load, naming the edge and the column. */
    @Test
    void aCorruptTextInARowIsRefusedNamingItsEdgeAndColumn() throws Exception {
        try (StoreConnection db = StoreConnection.open(dir.resolve("metrics.duckdb"), 96L << 20)) {
            EdgeLedgers ledgers = new EdgeLedgers();
            ledgers.save(db.saveEdge(), List.of(EdgeLedger.empty("lab")));
            try (Statement st = db.writer().createStatement()) {
                st.execute("UPDATE edges SET dropped_ranges = '3-4,5' WHERE edge = 'lab'");
            }
            assertThatThrownBy(() -> ledgers.load(db.writer()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("edge lab", "dropped_ranges", "'3-4,5'");
            try (Statement st = db.writer().createStatement()) {
                st.execute("UPDATE edges SET dropped_ranges = '', retired_trackers = 'a1:x:' WHERE edge = 'lab'");
            }
            assertThatThrownBy(() -> ledgers.load(db.writer()))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("edge lab", "retired_trackers");
            assertThat(ledgers.snapshot())
                    .as("nothing of a refused load is taken")
                    .isEmpty();
        }
    }
}
