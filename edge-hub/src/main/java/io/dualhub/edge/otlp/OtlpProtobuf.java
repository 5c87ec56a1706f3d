package io.dualhub.edge.otlp;

import io.dualhub.edge.ingest.ProtobufReader;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads an OTLP {@code ExportMetricsServiceRequest} in protobuf (opentelemetry-proto's metrics/v1), by field number:
 * resources with their attributes, scopes, and gauges, sums, histograms and summaries with their data points;
 * exponential histograms are recognised (and refused later); exemplars and fields the edge does not use are skipped.
 * Repeated numbers are read packed or not, as protobuf allows.
 */
final class OtlpProtobuf {
    private static final String WHAT = "an OTLP ExportMetricsServiceRequest";

    private OtlpProtobuf() {}

    static List<OtlpMetrics.Resource> decode(byte[] body) {
        List<OtlpMetrics.Resource> resources = new ArrayList<>();
        ProtobufReader request = new ProtobufReader(body, 0, body.length, WHAT);
        while (request.more()) {
            int tag = request.tag();
            if (tag == field(1, 2)) {
                resources.add(resource(request.message()));
            } else {
                request.skip(tag);
            }
        }
        return resources;
    }

    private static int field(int number, int wireType) {
        return number << 3 | wireType;
    }

    private static OtlpMetrics.Resource resource(ProtobufReader r) {
        Map<String, String> attributes = new LinkedHashMap<>();
        List<OtlpMetrics.Scope> scopes = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag == field(1, 2)) {
                attributes(r.message(), 1, attributes); // Resource.attributes
            } else if (tag == field(2, 2)) {
                scopes.add(scope(r.message()));
            } else {
                r.skip(tag);
            }
        }
        return new OtlpMetrics.Resource(attributes, scopes);
    }

    /** Reads the KeyValues under {@code number} of a message into {@code into}. */
    private static void attributes(ProtobufReader r, int number, Map<String, String> into) {
        while (r.more()) {
            int tag = r.tag();
            if (tag == field(number, 2)) {
                keyValue(r.message(), into);
            } else {
                r.skip(tag);
            }
        }
    }

    private static OtlpMetrics.Scope scope(ProtobufReader r) {
        String name = "";
        String version = "";
        List<OtlpMetrics.Metric> metrics = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            if (tag == field(1, 2)) {
                ProtobufReader scope = r.message();
                while (scope.more()) {
                    int t = scope.tag();
                    if (t == field(1, 2)) {
                        name = scope.string();
                    } else if (t == field(2, 2)) {
                        version = scope.string();
                    } else {
                        scope.skip(t);
                    }
                }
            } else if (tag == field(2, 2)) {
                metrics.add(metric(r.message()));
            } else {
                r.skip(tag);
            }
        }
        return new OtlpMetrics.Scope(name, version, metrics);
    }

    private static OtlpMetrics.Metric metric(ProtobufReader r) {
        String name = "";
        String unit = "";
        OtlpMetrics.Kind kind = OtlpMetrics.Kind.NONE;
        int temporality = 0;
        boolean monotonic = false;
        List<OtlpMetrics.DataPoint> points = new ArrayList<>();
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 | 2 -> name = r.string();
                case 3 << 3 | 2 -> unit = r.string();
                case 5 << 3 | 2, 7 << 3 | 2, 9 << 3 | 2, 10 << 3 | 2, 11 << 3 | 2 -> {
                    kind = kindOf(tag >>> 3);
                    ProtobufReader data = r.message();
                    while (data.more()) {
                        int t = data.tag();
                        if (t == field(1, 2)) {
                            points.add(dataPoint(data.message(), kind));
                        } else if (t == field(2, 0)) {
                            temporality = (int) data.varint();
                        } else if (t == field(3, 0)) {
                            monotonic = data.varint() != 0;
                        } else {
                            data.skip(t);
                        }
                    }
                }
                default -> r.skip(tag);
            }
        }
        return new OtlpMetrics.Metric(name, unit, kind, temporality, monotonic, points);
    }

    private static OtlpMetrics.Kind kindOf(int number) {
        return switch (number) {
            case 5 -> OtlpMetrics.Kind.GAUGE;
            case 7 -> OtlpMetrics.Kind.SUM;
            case 9 -> OtlpMetrics.Kind.HISTOGRAM;
            case 10 -> OtlpMetrics.Kind.EXPONENTIAL_HISTOGRAM;
            default -> OtlpMetrics.Kind.SUMMARY;
        };
    }

    /**
     * A NumberDataPoint (attributes 7, time 3, as_double 4, as_int 6, flags 8), HistogramDataPoint (attributes 9,
     * time 3, count 4, sum 5, bucket_counts 6, explicit_bounds 7, flags 10) or SummaryDataPoint (attributes 7, time
     * 3, count 4, sum 5, quantile_values 6, flags 8).
     */
    private static OtlpMetrics.DataPoint dataPoint(ProtobufReader r, OtlpMetrics.Kind kind) {
        boolean histogram = kind == OtlpMetrics.Kind.HISTOGRAM || kind == OtlpMetrics.Kind.EXPONENTIAL_HISTOGRAM;
        int attributesField = histogram ? 9 : 7;
        int flagsField = histogram ? 10 : 8;
        Map<String, String> attributes = new LinkedHashMap<>();
        long time = 0;
        double value = 0;
        long flags = 0;
        long count = 0;
        double sum = 0;
        Numbers buckets = new Numbers();
        Numbers bounds = new Numbers();
        Numbers quantiles = new Numbers();
        Numbers quantileValues = new Numbers();
        while (r.more()) {
            int tag = r.tag();
            int number = tag >>> 3;
            if (number == attributesField && (tag & 7) == 2) {
                keyValue(r.message(), attributes);
            } else if (number == flagsField && (tag & 7) == 0) {
                flags = r.varint();
            } else if (tag == field(3, 1)) {
                time = r.fixed64();
            } else if (kind == OtlpMetrics.Kind.GAUGE || kind == OtlpMetrics.Kind.SUM) {
                if (tag == field(4, 1)) {
                    value = r.double64();
                } else if (tag == field(6, 1)) {
                    value = r.fixed64();
                } else {
                    r.skip(tag);
                }
            } else if (tag == field(4, 1)) {
                count = r.fixed64();
            } else if (tag == field(5, 1)) {
                sum = r.double64();
            } else if (kind == OtlpMetrics.Kind.HISTOGRAM && number == 6) {
                buckets.read(r, tag);
            } else if (kind == OtlpMetrics.Kind.HISTOGRAM && number == 7) {
                bounds.read(r, tag);
            } else if (kind == OtlpMetrics.Kind.SUMMARY && tag == field(6, 2)) {
                ProtobufReader q = r.message();
                double quantile = 0;
                double qValue = 0;
                while (q.more()) {
                    int t = q.tag();
                    if (t == field(1, 1)) {
                        quantile = q.double64();
                    } else if (t == field(2, 1)) {
                        qValue = q.double64();
                    } else {
                        q.skip(t);
                    }
                }
                quantiles.add(Double.doubleToRawLongBits(quantile));
                quantileValues.add(Double.doubleToRawLongBits(qValue));
            } else {
                r.skip(tag);
            }
        }
        return new OtlpMetrics.DataPoint(
                attributes,
                time,
                value,
                (flags & 1) != 0,
                count,
                sum,
                buckets.longs(),
                bounds.doubles(),
                quantiles.doubles(),
                quantileValues.doubles());
    }

    /** A KeyValue (key 1, AnyValue 2) into {@code into}, its value as text. */
    private static void keyValue(ProtobufReader r, Map<String, String> into) {
        String key = "";
        String value = "";
        while (r.more()) {
            int tag = r.tag();
            if (tag == field(1, 2)) {
                key = r.string();
            } else if (tag == field(2, 2)) {
                value = anyValue(r.message());
            } else {
                r.skip(tag);
            }
        }
        into.put(key, value);
    }

    /** An AnyValue as text: a string, bool, int or double as written; arrays and maps as their parts, joined. */
    private static String anyValue(ProtobufReader r) {
        StringBuilder text = new StringBuilder();
        while (r.more()) {
            int tag = r.tag();
            switch (tag) {
                case 1 << 3 | 2 -> text.append(r.string());
                case 2 << 3 -> text.append(r.varint() != 0);
                case 3 << 3 -> text.append(r.varint());
                case 4 << 3 | 1 -> text.append(r.double64());
                case 5 << 3 | 2 -> {
                    ProtobufReader array = r.message();
                    List<String> values = new ArrayList<>();
                    while (array.more()) {
                        int t = array.tag();
                        if (t == field(1, 2)) {
                            values.add(anyValue(array.message()));
                        } else {
                            array.skip(t);
                        }
                    }
                    text.append(values);
                }
                default -> r.skip(tag);
            }
        }
        return text.toString();
    }

    /** A repeated fixed64 or double field, packed or one by one. */
    private static final class Numbers {
        private long[] values = new long[8];
        private int size;

        void read(ProtobufReader r, int tag) {
            if ((tag & 7) == 2) {
                ProtobufReader packed = r.message();
                while (packed.more()) {
                    add(packed.fixed64());
                }
            } else if ((tag & 7) == 1) {
                add(r.fixed64());
            } else {
                r.skip(tag);
            }
        }

        void add(long v) {
            if (size == values.length) {
                values = Arrays.copyOf(values, size * 2);
            }
            values[size++] = v;
        }

        long[] longs() {
            return Arrays.copyOf(values, size);
        }

        double[] doubles() {
            double[] d = new double[size];
            for (int i = 0; i < size; i++) {
                d[i] = Double.longBitsToDouble(values[i]);
            }
            return d;
        }
    }
}
