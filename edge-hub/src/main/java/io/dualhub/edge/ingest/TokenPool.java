package io.dualhub.edge.ingest;

/**
 * One request's repeated tokens as one String each: the lines of a write repeat their measurement, tag keys and most
 * tag values, so a token already seen is returned as that same instance instead of a new copy. That saves the copy and
 * lets the batch encoder find it in its string table by a cached hash. A fixed number of slots, the last token in a
 * slot winning, bounds it whatever the request holds.
 */
final class TokenPool {
    private static final int SLOTS = 1024;
    private final String[] slots = new String[SLOTS];

    /** The characters {@code from} to {@code to} of {@code s}, as the instance seen before when there was one. */
    String get(String s, int from, int to) {
        int slot = slot(hash(s, from, to), SLOTS);
        String seen = slots[slot];
        int length = to - from;
        if (seen != null && seen.length() == length && s.regionMatches(from, seen, 0, length)) {
            return seen;
        }
        String token = s.substring(from, to);
        slots[slot] = token;
        return token;
    }

    /** {@link String#hashCode} of the characters {@code from} to {@code to} of {@code s}, without a copy. */
    static int hash(String s, int from, int to) {
        int h = 0;
        for (int i = from; i < to; i++) {
            h = 31 * h + s.charAt(i);
        }
        return h;
    }

    /** The slot of {@code hash} in a table of {@code slots} (a power of two), its high bits folded in. */
    static int slot(int hash, int slots) {
        return (hash ^ (hash >>> 16)) & (slots - 1);
    }
}
