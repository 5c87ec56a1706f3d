package io.dualhub.edge.ingest;

/**
 * A line-protocol field value read where it lies in the line, without a String of its own: an integer ({@code 3i}),
 * an unsigned ({@code 3u}, up to 18446744073709551615u, as InfluxDB takes it), a boolean ({@code t}, {@code true},
 * {@code False}, ...) or a finite float ({@code 1.5}, {@code -2e3}). Decimal floats of at most 15 digits are computed
 * exactly as {@link Double#parseDouble} would (the digits as a long, which holds them exactly, divided by an exact
 * power of ten: one correctly rounded division); every other float goes through {@link Double#parseDouble}.
 */
final class FieldValue {
    /** Digits a long holds below 2^53, where a double holds every integer exactly. */
    private static final int EXACT_DIGITS = 15;

    private static final double[] POWERS_OF_TEN = {
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15
    };

    private static final String[] TRUE = {"t", "T", "true", "True", "TRUE"};
    private static final String[] FALSE = {"f", "F", "false", "False", "FALSE"};

    private FieldValue() {}

    /**
     * The value written as the characters {@code from} to {@code to} (at least one) of {@code s}.
     *
     * @throws NumberFormatException when they are none of the above
     */
    static double parse(String s, int from, int to) {
        char last = s.charAt(to - 1);
        if (last == 'i') {
            return Long.parseLong(s, from, to - 1, 10);
        }
        if (last == 'u') {
            return unsignedToDouble(Long.parseUnsignedLong(s, from, to - 1, 10));
        }
        if (isOneOf(s, from, to, TRUE)) {
            return 1;
        }
        if (isOneOf(s, from, to, FALSE)) {
            return 0;
        }
        return decimal(s, from, to);
    }

    private static double decimal(String s, int from, int to) {
        int i = from;
        boolean negative = s.charAt(i) == '-';
        if (negative || s.charAt(i) == '+') {
            i++;
        }
        long digits = 0;
        int count = 0;
        int fraction = -1; // digits after the point; -1 before one is met
        for (; i < to; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9' && count < EXACT_DIGITS) {
                digits = digits * 10 + (c - '0');
                count++;
                fraction += fraction >= 0 ? 1 : 0;
            } else if (c == '.' && fraction < 0) {
                fraction = 0;
            } else {
                return anyFloat(s.substring(from, to)); // an exponent, many digits, or no number at all
            }
        }
        if (count == 0) {
            throw new NumberFormatException();
        }
        double value = fraction > 0 ? digits / POWERS_OF_TEN[fraction] : digits;
        return negative ? -value : value;
    }

    /** A float in any form {@link Double#parseDouble} reads but Java's own suffixes and hexadecimal; finite. */
    private static double anyFloat(String raw) {
        if (hasLetter(raw) && !raw.matches("[-+]?[0-9.]+[eE][-+]?[0-9]+")) {
            throw new NumberFormatException();
        }
        double d = Double.parseDouble(raw);
        if (!Double.isFinite(d)) {
            throw new NumberFormatException();
        }
        return d;
    }

    private static boolean hasLetter(String raw) {
        for (int i = 0; i < raw.length(); i++) {
            if (Character.isLetter(raw.charAt(i))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isOneOf(String s, int from, int to, String[] words) {
        char first = s.charAt(from);
        if (first != words[0].charAt(0) && first != words[1].charAt(0)) {
            return false;
        }
        for (String word : words) {
            if (word.length() == to - from && s.regionMatches(from, word, 0, to - from)) {
                return true;
            }
        }
        return false;
    }

    private static double unsignedToDouble(long v) {
        return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
    }
}
