package io.dualhub.chaos.run;

import io.dualhub.testkit.SequencedWriter;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One CentralHub's account of a scenario's points, summed over edges: every value an edge accepted (204) must be
 * stored once or declared dropped by the edge; a value stored twice is a duplicate; a value neither stored nor
 * declared is lost. Values of requests that got no answer may be stored at most once and are counted apart.
 */
record Tally(
        String central,
        long accepted,
        long stored,
        long declaredDropped,
        long lost,
        long duplicates,
        long uncertainStored) {

    /**
     * Counts one central's stored values of the scenario's metric (by edge id) against what each edge's writer sent,
     * with the points each edge declared dropped during the scenario.
     */
    static Tally of(
            String central,
            Map<String, List<Long>> storedValues,
            Map<String, SequencedWriter> writers,
            Map<String, Long> declaredDropped) {
        long accepted = 0, stored = 0, dropped = 0, duplicates = 0, uncertain = 0;
        for (Map.Entry<String, SequencedWriter> e : writers.entrySet()) {
            SequencedWriter w = e.getValue();
            Map<Long, Integer> seen = new HashMap<>();
            for (long v : storedValues.getOrDefault(e.getKey(), List.of())) {
                seen.merge(v, 1, Integer::sum);
            }
            for (Map.Entry<Long, Integer> v : seen.entrySet()) {
                duplicates += v.getValue() - 1;
                if (w.isUncertain(v.getKey())) {
                    uncertain++;
                } else if (v.getKey() < w.written()) {
                    stored++;
                }
            }
            accepted += w.accepted();
            dropped += declaredDropped.getOrDefault(e.getKey(), 0L);
        }
        return new Tally(central, accepted, stored, dropped, accepted - stored - dropped, duplicates, uncertain);
    }

    /**
     * Whether every accepted value is stored or declared dropped (duplicates aside): what a receiver that is still
     * catching up must reach before it is counted. Its number of values alone does not say so, since it may hold
     * values of unanswered writes beside them.
     */
    boolean holdsEveryAccepted() {
        return lost <= 0;
    }

    boolean whole() {
        return lost == 0 && duplicates == 0 && accepted == stored + declaredDropped;
    }

    /** The tally that breaks the invariants worst: the one a report must show. */
    static Tally worst(List<Tally> tallies) {
        return tallies.stream()
                .max((a, b) -> Long.compare(Math.abs(a.lost) + a.duplicates, Math.abs(b.lost) + b.duplicates))
                .orElseThrow();
    }
}
