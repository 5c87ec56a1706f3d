package io.dualhub.edge.ingest;

import io.dualhub.common.MetricNames;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeMap;

/**
 * Parses InfluxDB line protocol ({@code measurement,tag=v field=1.5,n=3i timestamp}) into points. Each field
 * becomes metric {@code <measurement>_<field>} (a field named {@code value} becomes {@code <measurement>}); names
 * are mapped to the Prometheus character set. Integers, floats and booleans are values; strings are refused.
 * Every point keeps the {@link PointLimits} the CentralHub checks again, and a line has at most
 * {@value #MAX_FIELDS_PER_LINE} fields. All or nothing: the first bad line throws, naming the line and the field.
 */
public final class LineProtocolParser {
    /** Fields (so points) one line may carry at most. */
    public static final int MAX_FIELDS_PER_LINE = 1000;

    private final Precision precision;
    private final long nowMs;
    private final int maxPoints;
    private final TokenPool tokens = new TokenPool();

    public LineProtocolParser(Precision precision, long nowMs) {
        this(precision, nowMs, Integer.MAX_VALUE);
    }

    /** A parser that refuses a body of more than {@code maxPoints} points as soon as it gets there. */
    public LineProtocolParser(Precision precision, long nowMs, int maxPoints) {
        this.precision = precision;
        this.nowMs = nowMs;
        this.maxPoints = maxPoints;
    }

    public List<Point> parse(String body) {
        List<Point> points = new ArrayList<>();
        parseInto(body, 0, points);
        return points;
    }

    /**
     * Parses one piece of a body, whose first line is line {@code linesBefore + 1} of the whole, into {@code points}
     * (the points of the pieces before it): a large body is parsed piece by piece, never decoded whole. Returns the
     * lines the piece held.
     */
    public int parseInto(String body, int linesBefore, List<Point> points) {
        int lineNo = linesBefore;
        int start = 0;
        while (start <= body.length()) {
            int end = body.indexOf('\n', start);
            if (end < 0) {
                end = body.length();
            }
            lineNo++;
            // The line without its surrounding whitespace (a CR of CRLF included), scanned where it lies in the body.
            int from = start;
            int to = end;
            while (from < to && Character.isWhitespace(body.charAt(from))) {
                from++;
            }
            while (to > from && Character.isWhitespace(body.charAt(to - 1))) {
                to--;
            }
            if (from < to && body.charAt(from) != '#') {
                new Line(body, from, to, lineNo).parseInto(points);
                if (points.size() > maxPoints) {
                    throw new TooManyPointsException(lineNo, maxPoints);
                }
            }
            start = end + 1;
        }
        return lineNo - linesBefore;
    }

    /** The scanner for one line: the characters from {@code start} to {@code end} of the body. */
    private final class Line {
        private final String s;
        private final int start;
        private final int end;
        private final int lineNo;
        private int pos;

        Line(String body, int start, int end, int lineNo) {
            this.s = body;
            this.start = start;
            this.end = end;
            this.lineNo = lineNo;
            this.pos = start;
        }

        void parseInto(List<Point> out) {
            String measurement = token(false, "measurement", null);
            TreeMap<String, String> tags = new TreeMap<>();
            while (peek() == ',') {
                pos++;
                String key = token(true, "tag key", null);
                expect('=', "'=' after tag key", key);
                String value = token(false, "value of tag", key);
                addTag(tags, key, value);
            }
            check(PointLimits.tagsViolation(tags));
            skipSpaces("fields after the measurement and tags");
            List<String[]> fields = new ArrayList<>();
            do {
                if (!fields.isEmpty()) {
                    pos++;
                }
                String key = token(true, "field key", null);
                expect('=', "'=' after field key", key);
                fields.add(new String[] {key, fieldValue(key)});
                if (fields.size() > MAX_FIELDS_PER_LINE) {
                    throw error("more than " + MAX_FIELDS_PER_LINE + " fields");
                }
            } while (peek() == ',');
            long timestampMs = timestamp();
            String base = MetricNames.sanitize(measurement);
            Set<String> metrics = fields.size() > 1 ? new HashSet<>() : null;
            for (String[] field : fields) {
                String metric =
                        field[0].equals("value") ? base : tokens.get(base + "_" + MetricNames.sanitize(field[0]));
                String bad = PointLimits.metricViolation(metric);
                if (bad != null) {
                    throw error("field '" + field[0] + "': " + bad);
                }
                if (metrics != null && !metrics.add(metric)) {
                    throw error("field '" + field[0] + "' appears twice (as metric " + metric + ")");
                }
                out.add(new Point(metric, tags, timestampMs, number(field[0], field[1])));
            }
        }

        private void addTag(TreeMap<String, String> tags, String key, String value) {
            if (tags.put(MetricNames.sanitize(key), value) != null) {
                throw error("tag '" + key + "' appears twice");
            }
        }

        private void check(String violation) {
            if (violation != null) {
                throw error(violation);
            }
        }

        private String fieldValue(String key) {
            if (peek() == '"') {
                throw error("field '" + key + "' is a string; only integers, floats and booleans are values");
            }
            return token(false, "value of field", key);
        }

        private double number(String key, String raw) {
            switch (raw) {
                case "t", "T", "true", "True", "TRUE" -> {
                    return 1;
                }
                case "f", "F", "false", "False", "FALSE" -> {
                    return 0;
                }
                default -> {
                    // integer (i) and unsigned (u) suffixes; everything else must be a finite float
                }
            }
            char last = raw.charAt(raw.length() - 1);
            try {
                if (last == 'i') {
                    return Long.parseLong(raw, 0, raw.length() - 1, 10);
                }
                if (last == 'u') { // unsigned 64-bit, up to 18446744073709551615u, as InfluxDB takes it
                    return unsignedToDouble(Long.parseUnsignedLong(raw, 0, raw.length() - 1, 10));
                }
                if (hasLetter(raw) && !raw.matches("[-+]?[0-9.]+[eE][-+]?[0-9]+")) {
                    throw new NumberFormatException();
                }
                double d = Double.parseDouble(raw);
                if (Double.isFinite(d)) {
                    return d;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
            throw error("value of field '" + key + "' is '" + raw + "'; expected a float (1.5), an integer (3i),"
                    + " an unsigned (3u) or a boolean (true/false)");
        }

        private static double unsignedToDouble(long v) {
            return v >= 0 ? v : (double) (v >>> 1) * 2.0 + (v & 1);
        }

        private boolean hasLetter(String raw) {
            for (int i = 0; i < raw.length(); i++) {
                if (Character.isLetter(raw.charAt(i))) {
                    return true;
                }
            }
            return false;
        }

        private long timestamp() {
            if (pos >= end) {
                return nowMs;
            }
            skipSpaces("timestamp");
            long ms;
            try {
                ms = precision.toMillis(Long.parseLong(s, pos, end, 10));
            } catch (NumberFormatException e) {
                throw error("timestamp '" + s.substring(pos, end) + "' is not an integer in "
                        + precision.name().toLowerCase() + "; expected e.g. 1700000000000000000 for ns");
            } catch (ArithmeticException e) {
                throw error("timestamp '" + s.substring(pos, end) + "' in "
                        + precision.name().toLowerCase() + " is outside " + PointLimits.TIMESTAMP_RANGE
                        + ": is the precision right?");
            }
            check(PointLimits.timestampViolation(ms));
            return ms;
        }

        /**
         * Reads up to an unescaped stop character (',' or ' ', and '=' for a key); backslash escapes the next
         * character. Most tokens have no escape and are taken straight from the body (through the request's
         * {@link TokenPool}); only one with a backslash is copied character by character. The error names
         * {@code what}, and the tag or field it belongs to when there is one: built only when it is thrown.
         */
        private String token(boolean key, String what, String of) {
            int from = pos;
            while (pos < end) {
                char c = s.charAt(pos);
                if (c == '\\' && pos + 1 < end) {
                    return escapedToken(from, key, what, of);
                }
                if (isStop(c, key)) {
                    break;
                }
                pos++;
            }
            if (pos == from) {
                throw missing(what, of);
            }
            return tokens.get(s, from, pos);
        }

        private String escapedToken(int from, boolean key, String what, String of) {
            StringBuilder sb = new StringBuilder(s.substring(from, pos));
            while (pos < end) {
                char c = s.charAt(pos);
                if (c == '\\' && pos + 1 < end) {
                    sb.append(s.charAt(pos + 1));
                    pos += 2;
                    continue;
                }
                if (isStop(c, key)) {
                    break;
                }
                sb.append(c);
                pos++;
            }
            if (sb.length() == 0) {
                throw missing(what, of);
            }
            return sb.toString();
        }

        private LineProtocolException missing(String what, String of) {
            return error("missing " + named(what, of) + " at column " + column());
        }

        private static String named(String what, String of) {
            return of == null ? what : what + " '" + of + "'";
        }

        /** The column of the scan position in the line as written (after its leading whitespace), from 1. */
        private int column() {
            return pos - start + 1;
        }

        private static boolean isStop(char c, boolean key) {
            return c == ',' || c == ' ' || (key && c == '=');
        }

        private void skipSpaces(String what) {
            if (peek() != ' ') {
                throw error("expected a space before the " + what + " at column " + column());
            }
            while (peek() == ' ') {
                pos++;
            }
            if (pos >= end) {
                throw error("missing " + what);
            }
        }

        private void expect(char c, String what, String of) {
            if (peek() != c) {
                throw error("expected " + named(what, of) + " at column " + column());
            }
            pos++;
        }

        private char peek() {
            return pos < end ? s.charAt(pos) : '\0';
        }

        private LineProtocolException error(String message) {
            return new LineProtocolException(lineNo, message);
        }
    }
}
