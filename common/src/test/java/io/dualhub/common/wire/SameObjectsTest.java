package io.dualhub.common.wire;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SameObjectsTest {
    /** Past the few it scans, as before them: found by the very objects, never by equal ones. */
    @Test
    void aPairIsFoundByItsVeryObjectsOnlyHoweverManyThereAre() {
        SameObjects<Integer> seen = new SameObjects<>();
        List<String> metrics = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String metric = new String("m" + i);
            metrics.add(metric);
            seen.put(metric, null, i);
        }
        for (int i = 0; i < 20; i++) {
            assertThat(seen.get(metrics.get(i), null)).isEqualTo(i);
            assertThat(seen.get(new String("m" + i), null))
                    .as("an equal string, not the same")
                    .isNull();
            assertThat(seen.get(metrics.get(i), metrics.get(i)))
                    .as("another pair")
                    .isNull();
        }
    }

    /** The batch check looks at each tag set once, and still finds a bad one among many. */
    @Test
    void aBatchsBadTagSetIsFoundPastTheFewItScans() {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            String key = i == 14 ? "__reserved" : "k";
            points.add(Point.of("m", Map.of(key, Integer.toString(i)), 1_000, i));
        }
        assertThat(PointLimits.violation(points)).startsWith("point 14:");
    }
}
