package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class SequenceTrackerTest {
    @Test
    void contiguousPrefixAbsorbsOutOfOrderArrivals() {
        SequenceTracker t = new SequenceTracker(0, List.of());
        assertThat(t.record(1)).isTrue();
        assertThat(t.record(3)).isTrue();
        assertThat(t.record(4)).isTrue();
        assertThat(t.contiguous()).isEqualTo(1);
        assertThat(t.highest()).isEqualTo(4);
        assertThat(t.aboveAsText()).isEqualTo("3-4");
        assertThat(t.record(2)).isTrue();
        assertThat(t.contiguous()).isEqualTo(4);
        assertThat(t.aboveAsText()).isEmpty();
    }

    @Test
    void anythingSeenBeforeIsADuplicate() {
        SequenceTracker t = SequenceTracker.fromText(5, "7,9");
        assertThat(t.record(5)).isFalse();
        assertThat(t.record(1)).isFalse();
        assertThat(t.record(7)).isFalse();
        assertThat(t.record(6)).isTrue();
        assertThat(t.contiguous()).isEqualTo(7);
        assertThat(t.record(9)).isFalse();
    }

    /** A hole that stays open is one entry whatever follows it: the tracker copied with every commit stays small. */
    @Test
    void batchesAboveAHoleAreOneRun() {
        SequenceTracker t = new SequenceTracker(0, List.of());
        t.record(1);
        for (long seq = 3; seq <= 100_000; seq++) {
            t.record(seq);
        }
        assertThat(t.aboveAsText()).isEqualTo("3-100000");
        assertThat(t.missing()).singleElement().satisfies(h -> assertThat(h).containsExactly(2, 2));
        t.record(7_000_000);
        t.record(6_999_999);
        assertThat(t.aboveAsText()).isEqualTo("3-100000,6999999-7000000");
        assertThat(t.record(50_000)).as("inside a run: a duplicate").isFalse();
        SequenceTracker read = SequenceTracker.fromText(1, t.aboveAsText());
        assertThat(read.aboveAsText()).isEqualTo(t.aboveAsText());
        assertThat(read.record(2)).isTrue();
        assertThat(read.contiguous()).isEqualTo(100_000);
        assertThat(read.highest()).isEqualTo(7_000_000);
    }

    @Test
    void theOlderFormListingEverySequenceIsRead() {
        SequenceTracker t = SequenceTracker.fromText(5, "7,8,9,12");
        assertThat(t.aboveAsText()).isEqualTo("7-9,12");
        assertThat(t.missing()).hasSize(2);
    }
}
