package io.dualhub.jmh;

import io.dualhub.common.wire.Point;
import java.util.ArrayList;
import java.util.List;
import java.util.TreeMap;

/** The shape the benchmarks work on: one 5,000-line write request, as the load generator of ./dualhub bench sends. */
final class SampleData {
    static final int POINTS = 5_000;

    private SampleData() {}

    static String lineProtocol() {
        StringBuilder b = new StringBuilder(POINTS * 48);
        for (int i = 0; i < POINTS; i++) {
            b.append("bench,host=bench,core=")
                    .append(i & 7)
                    .append(" value=")
                    .append(i)
                    .append("i ")
                    .append(1_763_860_210_000L + i)
                    .append('\n');
        }
        return b.toString();
    }

    static List<Point> points() {
        List<Point> points = new ArrayList<>(POINTS);
        for (int i = 0; i < POINTS; i++) {
            TreeMap<String, String> tags = new TreeMap<>();
            tags.put("core", Integer.toString(i & 7));
            tags.put("host", "bench");
            points.add(new Point("bench_value", tags, 1_763_860_210_000L + i, i));
        }
        return points;
    }
}
