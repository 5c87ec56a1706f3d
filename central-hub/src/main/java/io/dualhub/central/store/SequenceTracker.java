package io.dualhub.central.store;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One edge's batch sequences as stored: everything up to {@code contiguous} is stored, plus the runs above it that
 * arrived out of order. A sequence at or below {@code contiguous}, or inside a run, is a duplicate. The runs are kept
 * as ranges, so their size is the number of holes, not of batches: a hole that stays open (until gap repair fills
 * it) does not make every later batch a separate entry copied with each commit.
 * Mutated only by the Ingestor's thread; persisted with the points in the same transaction.
 */
public final class SequenceTracker {
    private long contiguous;
    private final TreeMap<Long, Long> runs = new TreeMap<>(); // first -> last (inclusive), each > contiguous + 1

    public SequenceTracker(long contiguous, Iterable<Long> above) {
        this.contiguous = contiguous;
        above.forEach(this::record);
    }

    private SequenceTracker(long contiguous, Map<Long, Long> runs) {
        this.contiguous = contiguous;
        this.runs.putAll(runs);
    }

    public boolean isDuplicate(long seq) {
        if (seq <= contiguous) {
            return true;
        }
        Map.Entry<Long, Long> run = runs.floorEntry(seq);
        return run != null && run.getValue() >= seq;
    }

    /** Records a newly stored sequence; returns false (and changes nothing) when it is a duplicate. */
    public boolean record(long seq) {
        if (isDuplicate(seq)) {
            return false;
        }
        insert(seq, seq);
        return true;
    }

    /** Records {@code first..last}, none of them recorded before: joins the prefix or a run, or starts a run. */
    private void insert(long first, long last) {
        if (first == contiguous + 1) {
            contiguous = last;
            Long next = runs.remove(contiguous + 1);
            if (next != null) {
                contiguous = next;
            }
            return;
        }
        Map.Entry<Long, Long> before = runs.floorEntry(first);
        long from = before != null && before.getValue() == first - 1 ? before.getKey() : first;
        Long after = runs.remove(last + 1);
        runs.put(from, after != null ? after : last);
    }

    public long contiguous() {
        return contiguous;
    }

    /** The highest sequence stored, contiguous or not. */
    public long highest() {
        return runs.isEmpty() ? contiguous : runs.lastEntry().getValue();
    }

    /** The holes between the contiguous prefix and the highest sequence seen, as [from, to] pairs. */
    public List<long[]> missing() {
        List<long[]> holes = new ArrayList<>();
        long expected = contiguous + 1;
        for (Map.Entry<Long, Long> run : runs.entrySet()) {
            holes.add(new long[] {expected, run.getKey() - 1});
            expected = run.getValue() + 1;
        }
        return holes;
    }

    /** The runs stored above the contiguous prefix, as persisted: {@code 7-9,12} (a lone sequence without a dash). */
    public String aboveAsText() {
        StringBuilder sb = new StringBuilder();
        runs.forEach((first, last) ->
                sb.append(sb.length() == 0 ? "" : ",").append(first).append(first.equals(last) ? "" : "-" + last));
        return sb.toString();
    }

    /** An independent copy, for changes that only count once their transaction commits. */
    public SequenceTracker copy() {
        return new SequenceTracker(contiguous, runs);
    }

    /** Reads {@link #aboveAsText()}; also the older form, every sequence listed ({@code 7,8,9,12}). */
    public static SequenceTracker fromText(long contiguous, String above) {
        SequenceTracker t = new SequenceTracker(contiguous, List.of());
        if (above != null && !above.isBlank()) {
            for (String part : above.split(",")) {
                String[] ends = part.trim().split("-");
                long first = Long.parseLong(ends[0]);
                long last = Long.parseLong(ends[ends.length - 1]);
                if (!t.isDuplicate(first) && !t.isDuplicate(last)) {
                    t.insert(first, last);
                }
            }
        }
        return t;
    }
}
