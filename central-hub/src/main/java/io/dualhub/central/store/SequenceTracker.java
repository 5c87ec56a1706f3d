package io.dualhub.central.store;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

/**
 * One edge's batch sequences as stored: everything up to {@code contiguous} is stored, plus the few above it that
 * arrived out of order. A sequence at or below {@code contiguous}, or already above it, is a duplicate.
 * Mutated only by the Ingestor's thread; persisted with the points in the same transaction.
 */
public final class SequenceTracker {
    private long contiguous;
    private final TreeSet<Long> above = new TreeSet<>();

    public SequenceTracker(long contiguous, Iterable<Long> above) {
        this.contiguous = contiguous;
        above.forEach(this.above::add);
    }

    public boolean isDuplicate(long seq) {
        return seq <= contiguous || above.contains(seq);
    }

    /** Records a newly stored sequence; returns false (and changes nothing) when it is a duplicate. */
    public boolean record(long seq) {
        if (isDuplicate(seq)) {
            return false;
        }
        if (seq == contiguous + 1) {
            contiguous = seq;
            while (!above.isEmpty() && above.first() == contiguous + 1) {
                contiguous = above.pollFirst();
            }
        } else {
            above.add(seq);
        }
        return true;
    }

    public long contiguous() {
        return contiguous;
    }

    /** The highest sequence stored, contiguous or not. */
    public long highest() {
        return above.isEmpty() ? contiguous : above.last();
    }

    /** The holes between the contiguous prefix and the highest sequence seen, as [from, to] pairs. */
    public List<long[]> missing() {
        List<long[]> holes = new ArrayList<>();
        long expected = contiguous + 1;
        for (long s : above) {
            if (s > expected) {
                holes.add(new long[] {expected, s - 1});
            }
            expected = s + 1;
        }
        return holes;
    }

    /** Sequences stored above the contiguous prefix, comma separated, as persisted. */
    public String aboveAsText() {
        StringBuilder sb = new StringBuilder();
        for (Long s : above) {
            sb.append(sb.length() == 0 ? "" : ",").append(s);
        }
        return sb.toString();
    }

    /** An independent copy, for changes that only count once their transaction commits. */
    public SequenceTracker copy() {
        return new SequenceTracker(contiguous, above);
    }

    public static SequenceTracker fromText(long contiguous, String above) {
        TreeSet<Long> set = new TreeSet<>();
        if (above != null && !above.isBlank()) {
            for (String s : above.split(",")) {
                set.add(Long.parseLong(s.trim()));
            }
        }
        return new SequenceTracker(contiguous, set);
    }
}
