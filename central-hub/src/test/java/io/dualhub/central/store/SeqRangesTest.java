package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class SeqRangesTest {
    @Test
    void mergesAdjacentSequencesInAnyOrder() {
        SeqRanges r = new SeqRanges();
        for (long s : new long[] {5, 6, 7, 10, 9, 1, 8, 3}) {
            r.add(s);
        }
        assertThat(r.asList()).containsExactly("1-1", "3-3", "5-10");
        r.add(2);
        assertThat(r.asText()).isEqualTo("1-3,5-10");
        assertThat(SeqRanges.fromText(r.asText()).asList()).containsExactly("1-3", "5-10");
        r.add(4);
        assertThat(r.asList()).containsExactly("1-10");
    }

    @Test
    void keepsTheNewestRangesPastItsBound() {
        SeqRanges r = new SeqRanges();
        for (long s = 1; s <= 2L * (SeqRanges.MAX_RANGES + 5); s += 2) {
            r.add(s); // every other sequence: a separate range each
        }
        assertThat(r.asList())
                .hasSize(SeqRanges.MAX_RANGES)
                .startsWith("11-11")
                .endsWith((2L * (SeqRanges.MAX_RANGES + 5) - 1) + "-" + (2L * (SeqRanges.MAX_RANGES + 5) - 1));
    }
}
