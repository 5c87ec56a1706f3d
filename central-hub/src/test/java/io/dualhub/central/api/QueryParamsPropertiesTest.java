package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.store.SeriesQuery;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Whatever a caller puts in {@code from}, {@code to} and {@code step}, the answer is a query with a sane range and
 * step, or an IllegalArgumentException (a 400) whose message names the parameter: never another exception (a 500),
 * never an overflowed, negative step.
 */
class QueryParamsPropertiesTest {
    @Property(tries = 3000)
    void anyValueIsAQueryOrAnErrorNamingTheParameter(@ForAll("values") String value, @ForAll("names") String name) {
        try {
            SeriesQuery q = QueryParams.parse(
                    Map.of("metric", List.of("m"), name, List.of(value)),
                    System.currentTimeMillis(),
                    Duration.ofHours(1));
            assertThat(q.stepMs()).isNotNegative();
            assertThat(q.fromMs()).isLessThanOrEqualTo(q.toMs());
        } catch (IllegalArgumentException e) {
            assertThat(e.getMessage()).contains("'" + name + "'");
        }
    }

    @Provide
    Arbitrary<String> names() {
        return Arbitraries.of("from", "to", "step");
    }

    @Provide
    Arbitrary<String> values() {
        Arbitrary<String> digits =
                Arbitraries.strings().numeric().ofMinLength(1).ofMaxLength(30);
        Arbitrary<String> units = Arbitraries.of("", "ms", "s", "m", "h", "d", "w", "-1s");
        Arbitrary<String> steps = Combinators.combine(digits, units).as(String::concat);
        Arbitrary<String> instants = Arbitraries.of(
                "2026-11-22T10:00:00Z",
                "+1000000000-01-01T00:00:00Z",
                "-1000000000-01-01T00:00:00Z",
                "2026-11-22T10:00:00+02:00",
                "2026-13-01T00:00:00Z",
                "");
        return Arbitraries.oneOf(digits, steps, instants, Arbitraries.strings().ofMaxLength(20));
    }
}
