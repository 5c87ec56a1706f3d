package io.dualhub.central.export;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One series of a remote-write request: its labels, sorted by name as the protocol requires, and its samples, put in
 * timestamp order by {@link #sorted()}. A stored series ({@code edge}, {@code metric}, {@code tags}) becomes the
 * labels {@code __name__} (the metric), {@code edge} and one per tag; a tag key may hold {@code :}, which Prometheus
 * does not allow in label names, so it becomes {@code _} (were two keys to meet that way, the first in order is kept).
 * Samples with equal timestamps keep the one accepted last, as a later write of a point overrides an earlier one.
 */
final class ExportSeries {
    private final byte[][] names;
    private final byte[][] values;
    private long[] timestamps = new long[4];
    private double[] samples = new double[4];
    private int count;

    private ExportSeries(SortedMap<String, String> labels) {
        names = new byte[labels.size()][];
        values = new byte[labels.size()][];
        int i = 0;
        for (Map.Entry<String, String> e : labels.entrySet()) {
            names[i] = WriteRequestEncoder.utf8(e.getKey());
            values[i++] = WriteRequestEncoder.utf8(e.getValue());
        }
    }

    /** The labels of a stored series. */
    static ExportSeries of(String edge, String metric, Map<String, String> tags) {
        SortedMap<String, String> labels = new TreeMap<>();
        for (Map.Entry<String, String> tag : tags.entrySet()) {
            labels.putIfAbsent(labelName(tag.getKey()), tag.getValue());
        }
        labels.put("__name__", metric);
        labels.put("edge", edge);
        return new ExportSeries(labels);
    }

    /** A tag key as a Prometheus label name: {@code [a-zA-Z_][a-zA-Z0-9_]*} (tag keys are checked at the edge). */
    static String labelName(String tagKey) {
        return tagKey.indexOf(':') < 0 ? tagKey : tagKey.replace(':', '_');
    }

    void add(long timestampMs, double value) {
        if (count == timestamps.length) {
            timestamps = Arrays.copyOf(timestamps, count * 2);
            samples = Arrays.copyOf(samples, count * 2);
        }
        timestamps[count] = timestampMs;
        samples[count++] = value;
    }

    /** Drops the samples added after the first {@code samples} (a batch that turned out not to be stored). */
    void truncate(int samples) {
        if (samples < 0 || samples > count) {
            throw new IllegalStateException("BUG: truncating " + count + " samples to " + samples);
        }
        count = samples;
    }

    /** Puts the samples in timestamp order (stable: of equal timestamps the last added is kept) and returns this. */
    ExportSeries sorted() {
        boolean ordered = true;
        for (int i = 1; i < count && ordered; i++) {
            ordered = timestamps[i] > timestamps[i - 1];
        }
        if (ordered) {
            return this;
        }
        long[] ts = new long[count];
        double[] vs = new double[count];
        int n = 0;
        for (int i : order()) {
            if (n > 0 && ts[n - 1] == timestamps[i]) {
                n--; // the later one of equal timestamps wins
            }
            ts[n] = timestamps[i];
            vs[n++] = samples[i];
        }
        timestamps = ts;
        samples = vs;
        count = n;
        return this;
    }

    /**
     * The samples' indexes in timestamp order, those of equal timestamps in the order they were added. Each index is
     * packed below its timestamp's offset from the earliest into one long, so a primitive sort does it without boxing
     * (a series' samples of one unit arrive in runs of many thousands); were the offsets too wide to pack, a stable
     * sort of boxed indexes does it.
     */
    private int[] order() {
        long min = Long.MAX_VALUE;
        long max = Long.MIN_VALUE;
        for (int i = 0; i < count; i++) {
            min = Math.min(min, timestamps[i]);
            max = Math.max(max, timestamps[i]);
        }
        int indexBits = 32 - Integer.numberOfLeadingZeros(count);
        long range = max - min; // negative when it overflowed: not packable
        if (range < 0 || 64 - Long.numberOfLeadingZeros(range) > 63 - indexBits) {
            return boxedOrder();
        }
        long[] packed = new long[count];
        for (int i = 0; i < count; i++) {
            packed[i] = ((timestamps[i] - min) << indexBits) | i;
        }
        Arrays.sort(packed);
        long mask = (1L << indexBits) - 1;
        int[] order = new int[count];
        for (int i = 0; i < count; i++) {
            order[i] = (int) (packed[i] & mask);
        }
        return order;
    }

    private int[] boxedOrder() {
        List<Integer> boxed = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            boxed.add(i);
        }
        boxed.sort((a, b) -> Long.compare(timestamps[a], timestamps[b])); // List.sort is stable
        return boxed.stream().mapToInt(Integer::intValue).toArray();
    }

    /** The samples {@code from..to-1} under the same labels (a request holds at most so many samples). */
    ExportSeries slice(int from, int to) {
        ExportSeries part = new ExportSeries(names, values);
        part.timestamps = Arrays.copyOfRange(timestamps, from, to);
        part.samples = Arrays.copyOfRange(samples, from, to);
        part.count = to - from;
        return part;
    }

    private ExportSeries(byte[][] names, byte[][] values) {
        this.names = names;
        this.values = values;
    }

    int labelCount() {
        return names.length;
    }

    byte[] labelName(int i) {
        return names[i];
    }

    byte[] labelValue(int i) {
        return values[i];
    }

    int sampleCount() {
        return count;
    }

    long timestampMs(int i) {
        return timestamps[i];
    }

    double value(int i) {
        return samples[i];
    }

    long firstTimestampMs() {
        return timestamps[0];
    }

    long lastTimestampMs() {
        return timestamps[count - 1];
    }

    /** The value of label {@code edge}: the edge the series is of. */
    String edge() {
        for (int i = 0; i < names.length; i++) {
            if (Arrays.equals(names[i], EDGE)) {
                return new String(values[i], StandardCharsets.UTF_8);
            }
        }
        throw new IllegalStateException("BUG: an exported series without its edge label");
    }

    private static final byte[] EDGE = WriteRequestEncoder.utf8("edge");

    /** The labels as Prometheus writes a series: {@code metric{a="b", …}}, for audit lines. */
    String describe() {
        StringBuilder sb = new StringBuilder();
        String metric = "";
        for (int i = 0; i < names.length; i++) {
            String name = new String(names[i], StandardCharsets.UTF_8);
            String value = new String(values[i], StandardCharsets.UTF_8);
            if (name.equals("__name__")) {
                metric = value;
            } else {
                sb.append(sb.length() == 0 ? "" : ", ")
                        .append(name)
                        .append("=\"")
                        .append(value)
                        .append('"');
            }
        }
        return metric + "{" + sb + "}";
    }
}
