package io.dualhub.edge.api;

import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MutableHttpResponse;

/**
 * How a write path answers: 204 once stored, else the refusal's status with a JSON body in the shape that path's
 * clients read. dualhub's own {@code /api/v1/write} and InfluxDB 1.x's {@code /write} and {@code /query} answer
 * {@code {"error": ..., "line": n}} ({@link WriteError}); InfluxDB 2.x's {@code /api/v2/write} answers
 * {@code {"code": ..., "message": ..., "line": n}} ({@link InfluxV2Error}), which its client libraries and
 * Telegraf's {@code influxdb_v2} output show to their users.
 */
enum WriteDialect {
    INFLUX_V1,
    INFLUX_V2;

    /** The dialect of a write path: InfluxDB 2.x's under {@code /api/v2/}, the {"error"} shape everywhere else. */
    static WriteDialect of(String path) {
        return path.startsWith("/api/v2/") ? INFLUX_V2 : INFLUX_V1;
    }

    MutableHttpResponse<?> answer(WriteOutcome outcome) {
        if (outcome.stored()) {
            return HttpResponse.noContent();
        }
        MutableHttpResponse<?> response = refusal(outcome.status(), outcome.message(), outcome.line());
        if (outcome.retryAfterSeconds() > 0) {
            response.header(HttpHeaders.RETRY_AFTER, Long.toString(outcome.retryAfterSeconds()));
        }
        return response;
    }

    /**
     * A refusal's answer. The message starts with the line at fault, when there is one: InfluxDB's clients show a
     * refusal's message and nothing else of it.
     */
    MutableHttpResponse<?> refusal(HttpStatus status, String message, Integer line) {
        String text = line == null ? message : "line " + line + ": " + message;
        Object body = this == INFLUX_V2
                ? new InfluxV2Error(InfluxV2Error.code(status), text, line)
                : WriteError.of(text, line);
        return HttpResponse.status(status).body(body);
    }
}
