package io.dualhub.testkit;

import java.nio.charset.StandardCharsets;

/**
 * The edge's write inputs a {@link SequencedWriter} can write through, each with the request its real clients send:
 * line protocol on the edge's own path and on InfluxDB 1.x's and 2.x's, Prometheus remote write, OTLP/HTTP JSON.
 * Every one carries the same points: metric {@code <measurement>_n}, label {@code drill=exactly-once}, value n at
 * a millisecond timestamp of its own.
 */
public enum WriteInput {
    LINE_PROTOCOL("line protocol", "/api/v1/write?precision=ms"),
    INFLUX_V1("InfluxDB 1.x /write", "/write?db=drill&precision=ms"),
    INFLUX_V2("InfluxDB 2.x /api/v2/write", "/api/v2/write?org=drill&bucket=drill&precision=ms"),
    REMOTE_WRITE("remote write", "/api/v1/write"),
    OTLP("OTLP", "/v1/metrics");

    private final String description;
    private final String path;

    WriteInput(String description, String path) {
        this.description = description;
        this.path = path;
    }

    public String description() {
        return description;
    }

    /** The path and query the request goes to on the edge. */
    String path() {
        return path;
    }

    /** The request's Content-Type and, for remote write, its other headers, as name-value pairs. */
    String[] headers() {
        return switch (this) {
            case REMOTE_WRITE ->
                new String[] {
                    "Content-Type", "application/x-protobuf",
                    "Content-Encoding", "snappy",
                    "X-Prometheus-Remote-Write-Version", "0.1.0"
                };
            case OTLP -> new String[] {"Content-Type", "application/json"};
            default -> new String[] {"Content-Type", "text/plain; charset=utf-8"};
        };
    }

    /** Whether the edge took the request: 204, or 200 for OTLP (whose points here are all valid). */
    boolean accepted(int status) {
        return status == (this == OTLP ? 200 : 204);
    }

    /** The body of points {@code from} to {@code to - 1} of {@code measurement}, n stamped {@code epochMs + n}. */
    byte[] body(String measurement, long from, long to, long epochMs) {
        return switch (this) {
            case REMOTE_WRITE -> remoteWrite(measurement, from, to, epochMs);
            case OTLP -> otlp(measurement, from, to, epochMs);
            default -> lines(measurement, from, to, epochMs);
        };
    }

    private static byte[] lines(String measurement, long from, long to, long epochMs) {
        StringBuilder body = new StringBuilder((int) (to - from) * 40);
        for (long n = from; n < to; n++) {
            body.append(measurement)
                    .append(",drill=exactly-once n=")
                    .append(n)
                    .append("i ")
                    .append(epochMs + n)
                    .append('\n');
        }
        return body.toString().getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] remoteWrite(String measurement, long from, long to, long epochMs) {
        double[] samples = new double[(int) (to - from) * 2];
        for (long n = from; n < to; n++) {
            int i = (int) (n - from) * 2;
            samples[i] = n;
            samples[i + 1] = epochMs + n;
        }
        return new RemoteWriteBodies()
                .series(new String[] {"__name__", measurement + "_n", "drill", "exactly-once"}, samples)
                .snappy();
    }

    private static byte[] otlp(String measurement, long from, long to, long epochMs) {
        StringBuilder points = new StringBuilder();
        for (long n = from; n < to; n++) {
            points.append(n == from ? "" : ",")
                    .append("{\"asInt\":\"")
                    .append(n)
                    .append("\",\"timeUnixNano\":\"")
                    .append((epochMs + n) * 1_000_000)
                    .append("\",\"attributes\":[{\"key\":\"drill\",\"value\":{\"stringValue\":\"exactly-once\"}}]}");
        }
        return ("{\"resourceMetrics\":[{\"scopeMetrics\":[{\"metrics\":[{\"name\":\"" + measurement
                        + "_n\",\"gauge\":{\"dataPoints\":[" + points + "]}}]}]}]}")
                .getBytes(StandardCharsets.UTF_8);
    }
}
