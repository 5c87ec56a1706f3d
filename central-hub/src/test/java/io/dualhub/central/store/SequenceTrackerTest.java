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
        assertThat(t.aboveAsText()).isEqualTo("3,4");
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
}
