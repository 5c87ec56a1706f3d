package io.dualhub.central.store;

import java.util.ArrayList;
import java.util.List;

/**
 * A set of sequence ranges kept as sorted, merged {@code [from, to]} pairs, persisted as text {@code "a-b,c-d"}:
 * the declared-dropped (or lost, or invalid) batches of one edge. Bounded: past {@link #MAX_RANGES} separate ranges
 * the oldest is forgotten (the counts beside it stay exact; this is the detail of where).
 */
public final class SeqRanges {
    /** Separate ranges kept at most: about 40 bytes each in the ledger and in every API answer about the edge. */
    static final int MAX_RANGES = 1_000;

    private final List<long[]> ranges = new ArrayList<>();

    public static SeqRanges fromText(String text) {
        SeqRanges r = new SeqRanges();
        if (text != null && !text.isBlank()) {
            for (String part : text.split(",")) {
                String[] ends = part.split("-");
                r.ranges.add(new long[] {Long.parseLong(ends[0]), Long.parseLong(ends[1])});
            }
        }
        return r;
    }

    /** Adds one sequence; sequences arrive mostly in order, so it usually extends the last range. */
    public void add(long seq) {
        int i = ranges.size();
        while (i > 0 && ranges.get(i - 1)[0] > seq) {
            i--;
        }
        if (i > 0 && ranges.get(i - 1)[1] >= seq - 1) {
            long[] prev = ranges.get(i - 1);
            prev[1] = Math.max(prev[1], seq);
            if (i < ranges.size() && ranges.get(i)[0] <= prev[1] + 1) {
                prev[1] = Math.max(prev[1], ranges.remove(i)[1]);
            }
        } else if (i < ranges.size() && ranges.get(i)[0] == seq + 1) {
            ranges.get(i)[0] = seq;
        } else {
            ranges.add(i, new long[] {seq, seq});
            if (ranges.size() > MAX_RANGES) {
                ranges.remove(0);
            }
        }
    }

    public String asText() {
        return String.join(",", asList());
    }

    /** The ranges as {@code "from-to"} strings. */
    public List<String> asList() {
        return ranges.stream().map(r -> r[0] + "-" + r[1]).toList();
    }

    /** The ranges as [from, to] pairs (copies). */
    public List<long[]> ranges() {
        return ranges.stream().map(long[]::clone).toList();
    }

    public SeqRanges copy() {
        SeqRanges c = new SeqRanges();
        ranges.forEach(r -> c.ranges.add(r.clone()));
        return c;
    }
}
