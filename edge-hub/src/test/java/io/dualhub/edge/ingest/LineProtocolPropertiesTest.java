package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.MetricNames;
import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.StringLength;

/**
 * The parser against any input: points that keep every bound the CentralHub checks again, or a
 * {@link LineProtocolException}; never another exception. And what a writer escapes comes back as it was written.
 */
class LineProtocolPropertiesTest {
    private static final long NOW = 1_700_000_000_000L;

    @Property(tries = 3000)
    void anyInputIsPointsThatKeepTheBoundsOrALineProtocolError(@ForAll("bodies") String body) {
        List<Point> points;
        try {
            points = new LineProtocolParser(Precision.NS, NOW).parse(body);
        } catch (LineProtocolException expected) {
            return;
        }
        points.forEach(
                p -> assertThat(PointLimits.violation(p)).as(p.toString()).isNull());
    }

    @Property(tries = 1000)
    void escapedNamesAndValuesComeBackAsWritten(
            @ForAll("texts") String measurement, @ForAll("texts") String tagKey, @ForAll("texts") String tagValue) {
        String line =
                escape(measurement, ", ") + "," + escape(tagKey, ",= ") + "=" + escape(tagValue, ",= ") + " value=1.5";
        List<Point> points = new LineProtocolParser(Precision.NS, NOW).parse(line);
        assertThat(points)
                .containsExactly(new Point(
                        MetricNames.sanitize(measurement),
                        new TreeMap<>(Map.of(MetricNames.sanitize(tagKey), tagValue)),
                        NOW,
                        1.5));
    }

    /** Backslash before each of {@code special} and before a backslash: line protocol's escaping. */
    private static String escape(String s, String special) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            if (special.indexOf(c) >= 0 || c == '\\') {
                sb.append('\\');
            }
            sb.append(c);
        }
        return sb.toString();
    }

    @Provide
    Arbitrary<String> texts() {
        // printable text with the characters line protocol escapes; not starting with '#' (a comment) or a space
        return Arbitraries.strings()
                .withChars("abcXYZ019 ,=\\_.-:é\"")
                .ofMinLength(1)
                .ofMaxLength(30)
                .filter(s -> !s.startsWith("#")
                        && !s.isBlank()
                        && s.strip().equals(s)
                        && !s.endsWith("\\")
                        && !MetricNames.sanitize(s).startsWith("__")
                        && !MetricNames.sanitize(s).equals("edge"));
    }

    @Provide
    Arbitrary<String> bodies() {
        Arbitrary<String> fragments = Arbitraries.of(
                "m",
                "cpu",
                ",",
                " ",
                "=",
                "\\",
                "\"",
                "1",
                "1.5",
                "-0",
                "i",
                "u",
                "e308",
                "t",
                "false",
                "\n",
                "\r\n",
                "#",
                "é",
                "\u0000",
                "9223372036854775808",
                "18446744073709551615",
                "__x",
                "edge",
                "18446744073709551616u",
                "NaN",
                "1e999");
        return fragments.list().ofMaxSize(40).map(l -> String.join("", l));
    }

    @Property(tries = 500)
    void anyBytesAsTextAreHandled(@ForAll @StringLength(max = 200) String body) {
        try {
            new LineProtocolParser(Precision.NS, NOW).parse(body);
        } catch (LineProtocolException expected) {
            // the one permitted failure
        }
    }

    @Property(tries = 3000)
    void aFloatIsReadAsDoubleParseDoubleReadsIt(@ForAll("decimals") String written) {
        List<Point> points = new LineProtocolParser(Precision.NS, NOW).parse("m v=" + written);
        assertThat(Double.doubleToRawLongBits(points.get(0).value()))
                .as(written)
                .isEqualTo(Double.doubleToRawLongBits(Double.parseDouble(written)));
    }

    /** Decimals as writers print them: a sign or none, up to 20 digits with a point anywhere or none, an exponent. */
    @Provide
    Arbitrary<String> decimals() {
        Arbitrary<String> digits =
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(20);
        return Combinators.combine(
                        Arbitraries.of("", "-", "+"),
                        digits,
                        Arbitraries.integers().between(-1, 20),
                        Arbitraries.of("", "", "", "e5", "E-3", "e+12"))
                .as((sign, d, point, exponent) -> sign
                        + (point < 0 || point > d.length() ? d : d.substring(0, point) + "." + d.substring(point))
                        + exponent);
    }

    @Property(tries = 500)
    void aBodyParsesAsItsLinesEachAlone(@ForAll("repeatingBodies") List<String> lines) {
        List<Point> alone = new ArrayList<>();
        for (String line : lines) {
            alone.addAll(new LineProtocolParser(Precision.NS, NOW).parse(line));
        }
        assertThat(new LineProtocolParser(Precision.NS, NOW).parse(String.join("\n", lines)))
                .isEqualTo(alone);
    }

    /** Lines that repeat a few series keys (escaped spaces and commas among them) with their fields in any order. */
    @Provide
    Arbitrary<List<String>> repeatingBodies() {
        Arbitrary<String> keys = Arbitraries.of(
                "cpu,host=a", "cpu,host=b", "cpu", "disk\\ io,dev=sd\\,a", "disk\\ io,dev=sd\\ a", "m,x=1,y=2");
        Arbitrary<String> fields = Arbitraries.of("value=1", "usage=2.5,idle=3i", "idle=3i,usage=2.5", "ok=t", "n=7u");
        return Combinators.combine(keys, fields, Arbitraries.longs().between(1, 1_000_000))
                .as((key, field, ts) -> key + " " + field + " " + ts)
                .list()
                .ofMinSize(1)
                .ofMaxSize(30);
    }
}
