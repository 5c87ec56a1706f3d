package io.dualhub.central.analysis.nab;

import java.util.List;

/**
 * One NAB data file: its path relative to the corpus's {@code data/} folder, its rows (epoch seconds, value) and its
 * labelled anomaly windows as inclusive row ranges.
 */
public record NabSeries(String name, long[] epochSeconds, double[] values, List<Window> windows) {

    /** A labelled anomaly window, rows {@code first..last} inclusive. */
    public record Window(int first, int last) {
        int width() {
            return last - first + 1;
        }
    }

    public NabSeries {
        if (epochSeconds.length != values.length) {
            throw new IllegalArgumentException(
                    name + ": " + epochSeconds.length + " timestamps but " + values.length + " values");
        }
        windows = List.copyOf(windows);
    }

    public int rows() {
        return values.length;
    }

    /** NAB's probationary period: detections in the first min(floor(15 % of rows), 750) rows are not scored. */
    public int probationRows() {
        return (int) Math.min(Math.floor(0.15 * rows()), 750);
    }
}
