package io.dualhub.common.wire;

import java.util.HashMap;
import java.util.Map;

/**
 * Values found by the identity of a pair of objects, never by comparing them: a decoded batch shares one metric string
 * and one tag map among the points of a series (BatchCodec), so what is worked out once per series of a batch is
 * found again by the very objects. The first few pairs are looked for one by one (a batch has few series, and a scan
 * of them costs a point less than hashing it), the rest hashed by identity. One per batch, on one thread.
 */
public final class SameObjects<V> {
    private static final int FEW = 8;
    private final Object[] firsts = new Object[FEW];
    private final Object[] seconds = new Object[FEW];
    private final Object[] values = new Object[FEW];
    private int count;
    private Map<Pair, V> more;

    private record Pair(Object first, Object second) {
        @Override
        public boolean equals(Object o) {
            return o instanceof Pair p && p.first == first && p.second == second;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(first) + System.identityHashCode(second);
        }
    }

    /** The value put for these very objects, or null. */
    @SuppressWarnings("unchecked")
    public V get(Object first, Object second) {
        for (int i = 0; i < count; i++) {
            if (firsts[i] == first && seconds[i] == second) {
                return (V) values[i];
            }
        }
        return more == null ? null : more.get(new Pair(first, second));
    }

    /** Puts a value for a pair {@link #get} found nothing for. */
    public void put(Object first, Object second, V value) {
        if (count < FEW) {
            firsts[count] = first;
            seconds[count] = second;
            values[count++] = value;
            return;
        }
        if (more == null) {
            more = new HashMap<>();
        }
        more.put(new Pair(first, second), value);
    }
}
