package io.dualhub.edge.ingest;

import io.dualhub.common.MetricNames;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import io.dualhub.edge.ingest.SeriesKeys.SeriesKey;
import java.util.ArrayList;
import java.util.Arrays;
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
    private final SeriesKeys keys = new SeriesKeys();
    private final LineFields fields = new LineFields();

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
            SeriesKey key = seriesKey();
            skipSpaces("fields after the measurement and tags");
            int count = 0;
            do {
                if (count > 0) {
                    pos++;
                }
                if (count == MAX_FIELDS_PER_LINE) {
                    throw error("more than " + MAX_FIELDS_PER_LINE + " fields");
                }
                String field = token(true, "field key", null);
                expect('=', "'=' after field key", field);
                fields.set(count++, field, fieldValue(field));
            } while (peek() == ',');
            long timestampMs = timestamp();
            Set<String> metrics = count > 1 ? new HashSet<>() : null;
            for (int i = 0; i < count; i++) {
                String field = fields.name(i);
                String metric = metric(key, field);
                if (metrics != null && !metrics.add(metric)) {
                    throw error("field '" + field + "' appears twice (as metric " + metric + ")");
                }
                out.add(new Point(metric, key.tags(), timestampMs, fields.value(i)));
            }
        }

        /**
         * The line's measurement and tags, up to its first unescaped space: looked up when the request had them
         * before, else scanned, checked and remembered.
         */
        private SeriesKey seriesKey() {
            int keyEnd = keyEnd();
            SeriesKey known = keys.find(s, start, keyEnd);
            if (known != null) {
                pos = keyEnd;
                return known;
            }
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
            if (pos != keyEnd) {
                throw new IllegalStateException(
                        "BUG: series key scanned to column " + column() + ", not to " + (keyEnd - start + 1));
            }
            return keys.remember(s, start, keyEnd, measurement, tags);
        }

        /** The position of the line's first space not escaped by a backslash (its end when it has none). */
        private int keyEnd() {
            int i = start;
            while (i < end) {
                char c = s.charAt(i);
                if (c == ' ') {
                    return i;
                }
                i += c == '\\' && i + 1 < end ? 2 : 1;
            }
            return end;
        }

        private String metric(SeriesKey key, String field) {
            try {
                return key.metric(field);
            } catch (IllegalArgumentException e) {
                throw error("field '" + field + "': " + e.getMessage());
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

        /**
         * The field's value, read where it lies in the line; one with a backslash in it (never a number, but the
         * error should show it as written) is taken as a token first.
         */
        private double fieldValue(String key) {
            if (peek() == '"') {
                throw error("field '" + key + "' is a string; only integers, floats and booleans are values");
            }
            int from = pos;
            while (pos < end && !isStop(s.charAt(pos), false)) {
                if (s.charAt(pos) == '\\') {
                    pos = from;
                    String raw = token(false, "value of field", key);
                    return number(key, raw, 0, raw.length());
                }
                pos++;
            }
            if (pos == from) {
                throw missing("value of field", key);
            }
            return number(key, s, from, pos);
        }

        private double number(String key, String text, int from, int to) {
            try {
                return FieldValue.parse(text, from, to);
            } catch (NumberFormatException e) {
                throw error("value of field '" + key + "' is '" + text.substring(from, to) + "'; expected a float"
                        + " (1.5), an integer (3i), an unsigned (3u) or a boolean (true/false)");
            }
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

    /** The fields of the line being parsed, names and values, kept from line to line so a line allocates none. */
    private static final class LineFields {
        private String[] names = new String[8];
        private double[] values = new double[8];

        void set(int index, String name, double value) {
            if (index == names.length) {
                names = Arrays.copyOf(names, index * 2);
                values = Arrays.copyOf(values, index * 2);
            }
            names[index] = name;
            values[index] = value;
        }

        String name(int index) {
            return names[index];
        }

        double value(int index) {
            return values[index];
        }
    }
}
