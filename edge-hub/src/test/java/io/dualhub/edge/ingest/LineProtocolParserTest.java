package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Point;
import io.dualhub.common.wire.PointLimits;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class LineProtocolParserTest {
    private static final long NOW = 1_700_000_000_999L;

    private static List<Point> parse(String body) {
        return new LineProtocolParser(Precision.NS, NOW).parse(body);
    }

    @Test
    void eachFieldBecomesMeasurementUnderscoreField() {
        List<Point> points = parse("cpu,host=a,dc=x usage=1.5,n=3i,ok=true 1700000000000000000");
        assertThat(points)
                .containsExactly(
                        Point.of("cpu_usage", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 1.5),
                        Point.of("cpu_n", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 3),
                        Point.of("cpu_ok", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 1));
    }

    @Test
    void seriesKeysOfOneHashTakeTurnsInTheirSlot() {
        // "Aa" and "BB" share String's hash, so their keys meet in one slot of the request's series keys
        assertThat(parse("Aa,t=x v=1 1\nBB,t=x v=2 2\nAa,t=x v=3 3\nBB,t=x w=4 4"))
                .containsExactly(
                        Point.of("Aa_v", Map.of("t", "x"), 0, 1),
                        Point.of("BB_v", Map.of("t", "x"), 0, 2),
                        Point.of("Aa_v", Map.of("t", "x"), 0, 3),
                        Point.of("BB_w", Map.of("t", "x"), 0, 4));
    }

    @Test
    void fieldNamedValueIsTheMeasurementAndMissingTimestampIsNow() {
        assertThat(parse("temperature value=21.5")).containsExactly(Point.of("temperature", Map.of(), NOW, 21.5));
    }

    @ParameterizedTest
    @CsvSource({"ns,1700000000000000000", "us,1700000000000000", "ms,1700000000000", "s,1700000000"})
    void precisionScalesTheTimestamp(String precision, String ts) {
        List<Point> points = new LineProtocolParser(Precision.parse(precision), NOW).parse("m v=1 " + ts);
        assertThat(points.get(0).timestampMs()).isEqualTo(1_700_000_000_000L);
    }

    @Test
    void valueKinds() {
        assertThat(parse("m a=-1e3,b=2u,c=F,d=-7i,e=0.5").stream().map(Point::value))
                .containsExactly(-1000.0, 2.0, 0.0, -7.0, 0.5);
    }

    @Test
    void escapesCommentsBlankLinesAndCrLf() {
        List<Point> points = parse("# comment\n\nmy\\ disk,path=/var\\,x,k\\=y=v\\ w used=1\r\n  \n");
        assertThat(points).containsExactly(Point.of("my_disk_used", Map.of("path", "/var,x", "k_y", "v w"), NOW, 1));
    }

    @Test
    void namesAreMappedToThePrometheusCharacterSet() {
        assertThat(parse("node.cpu-seconds user.time=1").get(0).metric()).isEqualTo("node_cpu_seconds_user_time");
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "m s=\"text\"|field 's' is a string",
                "m|expected a space before the fields",
                "m =1|missing field key",
                "m v=|missing value of field 'v'",
                "m v=abc|value of field 'v' is 'abc'",
                "m v=NaN|value of field 'v' is 'NaN'",
                "m v=1x|value of field 'v' is '1x'",
                "m v=-1u|value of field 'v' is '-1u'",
                "m v 1|expected '=' after field key 'v'",
                "m,t v=1|expected '=' after tag key 't'",
                "m,t= v=1|missing value of tag 't'",
                "m,t=1,t=2 v=1|tag 't' appears twice",
                "m,__name=x v=1|tag key '__name' is reserved",
                "m,edge=x v=1|tag key 'edge' is reserved",
                "m v=1 12:00|timestamp '12:00' is not an integer in ns",
                "m v=1 1 2|timestamp '1 2' is not an integer",
                ",t=1 v=1|missing measurement"
            })
    void eachKindOfBadLineIsNamed(String line, String message) {
        assertThatThrownBy(() -> parse("ok v=1\n" + line))
                .isInstanceOfSatisfying(
                        LineProtocolException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining(message);
    }

    @Test
    void aColumnIsCountedInTheLineAsWrittenAfterItsIndent() {
        assertThatThrownBy(() -> parse("ok v=1\n  \tm =1")).hasMessageContaining("missing field key at column 3");
        assertThatThrownBy(() -> parse("m,a\\ b=1,=2 v=1")).hasMessageContaining("missing tag key at column 10");
    }

    @Test
    void tooManyTagsOrTooLongAValue() {
        StringBuilder tags = new StringBuilder("m");
        for (int i = 0; i < 33; i++) {
            tags.append(",t").append(i).append("=v");
        }
        assertThatThrownBy(() -> parse(tags + " v=1")).hasMessageContaining("more than 32 tags");
        assertThatThrownBy(() -> parse("m,t=" + "x".repeat(1025) + " v=1")).hasMessageContaining("longer than 1024");
    }

    @Test
    void unknownPrecisionIsRefused() {
        assertThatThrownBy(() -> Precision.parse("h"))
                .hasMessageContaining("precision 'h' is not one of ns, us, ms, s");
    }

    /**
     * The odd inputs a writer sends: each one is either points that keep every bound the CentralHub checks again
     * ({@link PointLimits}), or a refusal naming the line and the reason; never anything else.
     */
    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MEASUREMENT_200 value=1|1",
                "temp\\ \\,\\=ure,ro\\ om=a\\,b\\=c v=1|1",
                "température,pièce=salle\\ à\\ manger wärme=1|1",
                "1st v=1|1",
                "m v=1 0|1",
                "m v=1 -1000000000000000000|1",
                "m v=1 9000000000000000000|1",
                "m v=18446744073709551615u|1",
                "m v=1e308,w=-0.0|2",
                "FIELDS_1000|1000"
            })
    void oddInputThatKeepsTheBoundsIsPoints(String line, int points) {
        List<Point> parsed = parse(expand(line));
        assertThat(parsed).hasSize(points);
        parsed.forEach(
                p -> assertThat(PointLimits.violation(p)).as(p.toString()).isNull());
    }

    @ParameterizedTest
    @CsvSource(
            delimiter = '|',
            value = {
                "MEASUREMENT_201 value=1|metric name 'mmmmmmmmmmmmmmmmmmmm...' is longer than 200 characters (201)",
                "MEASUREMENT_300 value=1|longer than 200 characters (300)",
                "m,TAGKEY_300=x v=1|tag key 'kkkkkkkkkkkkkkkkkkkk...' is longer than 200 characters (300)",
                "TAGS_64 v=1|more than 32 tags (64)",
                "FIELDS_1001|more than 1000 fields",
                "m v=1,v=2|field 'v' appears twice",
                "m a.b=1,a_b=2|field 'a_b' appears twice (as metric m_a_b)",
                "m,t= v=1|missing value of tag 't'",
                "m,t=TAGVALUE_1500000 v=1|value of tag 't' is longer than 1024 characters (1500000)",
                "m v=1 9300000000000000000|timestamp '9300000000000000000' is not an integer",
                "m v=18446744073709551616u|value of field 'v' is '18446744073709551616u'"
            })
    void oddInputThatBreaksABoundIsRefusedWithTheReason(String line, String message) {
        assertThatThrownBy(() -> parse("ok v=1\n" + expand(line)))
                .isInstanceOfSatisfying(
                        LineProtocolException.class, e -> assertThat(e.line()).isEqualTo(2))
                .hasMessageContaining(message);
    }

    @Test
    void aTimestampInTheWrongPrecisionIsRefusedNotStoredInTheYear55000() {
        long ms = 1_700_000_000_000L;
        assertThatThrownBy(() -> new LineProtocolParser(Precision.S, NOW).parse("m v=1 " + ms))
                .hasMessageContaining("is outside 1677-09-21..2262-04-11")
                .hasMessageContaining("precision");
        assertThatThrownBy(() -> new LineProtocolParser(Precision.MS, NOW).parse("m v=1 " + ms * 1000))
                .hasMessageContaining("is outside 1677-09-21..2262-04-11");
    }

    @Test
    void anUnsignedBeyondALongKeepsItsMagnitude() {
        assertThat(parse("m v=18446744073709551615u").get(0).value()).isEqualTo(1.8446744073709552E19);
    }

    /** Writes out the placeholders for lines too long to spell in a table. */
    private static String expand(String line) {
        return line.replace("MEASUREMENT_200", "m".repeat(200))
                .replace("MEASUREMENT_201", "m".repeat(201))
                .replace("MEASUREMENT_300", "m".repeat(300))
                .replace("TAGKEY_300", "k".repeat(300))
                .replace("TAGVALUE_1500000", "x".repeat(1_500_000))
                .replace("TAGS_64", "m" + repeat(",t%d=v", 64))
                .replace("FIELDS_1000", "m " + fields(1000))
                .replace("FIELDS_1001", "m " + fields(1001));
    }

    private static String fields(int n) {
        return IntStream.range(0, n).mapToObj(i -> "f" + i + "=1").collect(Collectors.joining(","));
    }

    private static String repeat(String format, int n) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append(String.format(format, i));
        }
        return sb.toString();
    }
}
