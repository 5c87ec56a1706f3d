package io.dualhub.edge.scrape;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * Parses a scraped page in the Prometheus text exposition format (0.0.4) or OpenMetrics 1.0 into samples, strictly:
 * the first line that is neither a comment, a blank line nor a well-formed sample fails the page, as Prometheus
 * fails such a scrape. Comments ({@code # HELP}, {@code # TYPE}, {@code # UNIT}) carry nothing the edge keeps;
 * OpenMetrics' {@code # EOF} ends the page and its exemplars ({@code ... # {labels} value}) are dropped. Timestamps
 * are integer milliseconds in the text format and seconds (with a fraction) in OpenMetrics. Holds no state: one
 * parser serves every target.
 */
final class ExpositionParser {
    private final boolean openMetrics;
    private final int sampleLimit;

    /** A parser of one format that refuses a page of more than {@code sampleLimit} samples. */
    ExpositionParser(boolean openMetrics, int sampleLimit) {
        this.openMetrics = openMetrics;
        this.sampleLimit = sampleLimit;
    }

    List<ExposedSample> parse(String page) {
        List<ExposedSample> samples = new ArrayList<>();
        int lineNo = 0;
        for (int from = 0; from < page.length(); ) {
            int end = page.indexOf('\n', from);
            if (end < 0) {
                end = page.length();
            }
            lineNo++;
            String line = page.substring(from, end);
            from = end + 1;
            if (line.startsWith("#")) {
                if (line.equals("# EOF")) {
                    break;
                }
                continue;
            }
            if (line.isBlank()) {
                continue;
            }
            if (samples.size() == sampleLimit) {
                throw new ExpositionException(
                        lineNo,
                        "more than " + sampleLimit + " samples (scrape.sample-limit); nothing of the page kept");
            }
            samples.add(new Line(line, lineNo).sample());
        }
        return samples;
    }

    /** One sample line being read, left to right. */
    private final class Line {
        private final String s;
        private final int lineNo;
        private int pos;

        Line(String s, int lineNo) {
            this.s = s;
            this.lineNo = lineNo;
        }

        ExposedSample sample() {
            String name = name("metric name");
            SortedMap<String, String> labels = Collections.emptySortedMap();
            if (peek() == '{') {
                labels = labels();
            }
            requireBlank("after the metric name and labels");
            double value = value(token());
            long ts = ExposedSample.NO_TIMESTAMP;
            skipBlanks();
            if (pos < s.length() && peek() != '#') {
                ts = timestamp(token());
                skipBlanks();
            }
            if (pos < s.length() && !(openMetrics && peek() == '#')) {
                throw error("unexpected '" + s.substring(pos) + "' after the sample");
            }
            return new ExposedSample(name, labels, value, ts);
        }

        private SortedMap<String, String> labels() {
            SortedMap<String, String> labels = new TreeMap<>();
            pos++; // '{'
            skipBlanks();
            while (peek() != '}') {
                String key = name("label name");
                skipBlanks();
                expect('=');
                skipBlanks();
                if (labels.put(key, quoted()) != null) {
                    throw error("label '" + key + "' appears twice");
                }
                skipBlanks();
                if (peek() == ',') {
                    pos++;
                    skipBlanks();
                } else if (peek() != '}') {
                    throw error("expected ',' or '}' at column " + (pos + 1));
                }
            }
            pos++; // '}'
            return labels;
        }

        private String quoted() {
            expect('"');
            StringBuilder value = new StringBuilder();
            while (true) {
                if (pos >= s.length()) {
                    throw error("label value not closed by '\"'");
                }
                char c = s.charAt(pos++);
                if (c == '"') {
                    return value.toString();
                }
                if (c == '\\') {
                    char e = pos < s.length() ? s.charAt(pos++) : '\0';
                    switch (e) {
                        case '\\' -> value.append('\\');
                        case '"' -> value.append('"');
                        case 'n' -> value.append('\n');
                        default -> throw error("escape '\\" + e + "' in a label value (only \\\\, \\\" and \\n)");
                    }
                } else {
                    value.append(c);
                }
            }
        }

        private String name(String what) {
            int start = pos;
            while (pos < s.length() && isNameChar(s.charAt(pos), pos == start, what)) {
                pos++;
            }
            if (pos == start) {
                throw error("expected a " + what + " ([a-zA-Z_:][a-zA-Z0-9_:]*) at column " + (start + 1));
            }
            return s.substring(start, pos);
        }

        private static boolean isNameChar(char c, boolean first, String what) {
            boolean letter = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_';
            boolean colon = c == ':' && what.startsWith("metric");
            return letter || colon || !first && c >= '0' && c <= '9';
        }

        private double value(String token) {
            switch (token) {
                case "NaN":
                    return Double.NaN;
                case "+Inf", "Inf":
                    return Double.POSITIVE_INFINITY;
                case "-Inf":
                    return Double.NEGATIVE_INFINITY;
                default:
                    if (!token.chars().allMatch(c -> c >= '0' && c <= '9' || "+-.eE".indexOf(c) >= 0)) {
                        throw error("value '" + token + "' is not a number");
                    }
                    try {
                        return Double.parseDouble(token);
                    } catch (NumberFormatException e) {
                        throw error("value '" + token + "' is not a number");
                    }
            }
        }

        private long timestamp(String token) {
            try {
                return openMetrics ? Math.round(Double.parseDouble(token) * 1000) : Long.parseLong(token);
            } catch (NumberFormatException e) {
                throw error("timestamp '" + token + "' is not "
                        + (openMetrics ? "a number of seconds" : "an integer of milliseconds"));
            }
        }

        private String token() {
            int start = pos;
            while (pos < s.length() && s.charAt(pos) != ' ' && s.charAt(pos) != '\t') {
                pos++;
            }
            if (pos == start) {
                throw error("expected a value at column " + (start + 1));
            }
            return s.substring(start, pos);
        }

        private void requireBlank(String where) {
            if (peek() != ' ' && peek() != '\t') {
                throw error("expected a space " + where + " at column " + (pos + 1));
            }
            skipBlanks();
        }

        private void skipBlanks() {
            while (pos < s.length() && (s.charAt(pos) == ' ' || s.charAt(pos) == '\t')) {
                pos++;
            }
        }

        private void expect(char c) {
            if (peek() != c) {
                throw error("expected '" + c + "' at column " + (pos + 1));
            }
            pos++;
        }

        private char peek() {
            return pos < s.length() ? s.charAt(pos) : '\0';
        }

        private ExpositionException error(String message) {
            return new ExpositionException(lineNo, message);
        }
    }
}
