package io.dualhub.central.ingest;

import java.util.ArrayList;
import java.util.List;
import java.util.function.ToIntFunction;

/**
 * Cuts a fetch into consecutive groups of at most {@code maxPoints} points (a single larger message forms a group
 * alone), each committed in its own transaction. A fetch of 500 messages of 5,000 points each would otherwise be
 * 2.5 million decoded points in memory at once — a CentralHub catching up on a backlog ran out of heap that way.
 */
final class CommitGroups {
    private CommitGroups() {}

    static <T> List<List<T>> split(List<T> items, ToIntFunction<T> points, int maxPoints) {
        List<List<T>> groups = new ArrayList<>();
        List<T> current = new ArrayList<>();
        long inCurrent = 0;
        for (T item : items) {
            int n = points.applyAsInt(item);
            if (!current.isEmpty() && inCurrent + n > maxPoints) {
                groups.add(current);
                current = new ArrayList<>();
                inCurrent = 0;
            }
            current.add(item);
            inCurrent += n;
        }
        if (!current.isEmpty()) {
            groups.add(current);
        }
        return groups;
    }
}
