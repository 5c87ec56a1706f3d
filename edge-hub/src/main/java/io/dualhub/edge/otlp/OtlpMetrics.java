package io.dualhub.edge.otlp;

import java.util.List;
import java.util.Map;

/**
 * What an OTLP metrics export carries, read from protobuf ({@link OtlpProtobuf}) or JSON ({@link OtlpJson}) into
 * one shape: resources, their scopes, the scopes' metrics and data points. Attribute values are kept as text.
 */
final class OtlpMetrics {
    private OtlpMetrics() {}

    /** Aggregation temporality as OTLP numbers it. */
    static final int DELTA = 1;

    static final int CUMULATIVE = 2;

    record Resource(Map<String, String> attributes, List<Scope> scopes) {}

    record Scope(String name, String version, List<Metric> metrics) {}

    enum Kind {
        GAUGE,
        SUM,
        HISTOGRAM,
        EXPONENTIAL_HISTOGRAM,
        SUMMARY,
        NONE
    }

    record Metric(String name, String unit, Kind kind, int temporality, boolean monotonic, List<DataPoint> points) {}

    /** A data point of any kind; only the fields of its metric's kind are set. */
    record DataPoint(
            Map<String, String> attributes,
            long timeUnixNano,
            double value,
            boolean noValue,
            long count,
            double sum,
            long[] bucketCounts,
            double[] bounds,
            double[] quantiles,
            double[] quantileValues) {}
}
