package io.dualhub.edge.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.wire.Point;
import java.util.List;
import java.util.Map;
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
        assertThat(points).containsExactly(
                Point.of("cpu_usage", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 1.5),
                Point.of("cpu_n", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 3),
                Point.of("cpu_ok", Map.of("host", "a", "dc", "x"), 1_700_000_000_000L, 1));
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
    @CsvSource(delimiter = '|', value = {
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
        ",t=1 v=1|missing measurement"})
    void eachKindOfBadLineIsNamed(String line, String message) {
        assertThatThrownBy(() -> parse("ok v=1\n" + line))
                .isInstanceOfSatisfying(LineProtocolException.class, e -> assertThat(e.line()).isEqualTo(2))
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
        assertThatThrownBy(() -> Precision.parse("h")).hasMessageContaining("precision 'h' is not one of ns, us, ms, s");
    }
}
