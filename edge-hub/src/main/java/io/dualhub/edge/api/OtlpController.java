package io.dualhub.edge.api;

import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.ingest.BadWriteException;
import io.dualhub.edge.otlp.OtlpPoints;
import io.micrometer.core.instrument.MeterRegistry;
import io.micronaut.context.BeanProvider;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.MutableHttpResponse;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.json.JsonMapper;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * OTLP/HTTP metrics in ({@code POST /v1/metrics}, protobuf or JSON, gzip or not), as OpenTelemetry SDKs' and the
 * Collector's OTLP HTTP exporters send them: 200 once every new point is durably in the buffer, a retry taken once
 * ({@link IdempotentWrites}); data points the edge does not take (see {@link OtlpPoints}) are answered as OTLP's
 * partial success, with how many and why; a request that cannot be read is 400 with a {@code Status} saying why,
 * one past the size bounds 413, a full buffer 503 with Retry-After (which exporters retry).
 */
@Controller
public class OtlpController {
    private static final String PROTOBUF = "application/x-protobuf";

    private final EdgeAgent agent;
    private final BeanProvider<IdempotentWrites> writes;
    private final JsonMapper json;
    private final OutcomeCounts counts;

    /** The in-order writes are made on the first request of an in-order sender (this one, or remote write). */
    public OtlpController(
            EdgeAgent agent, BeanProvider<IdempotentWrites> writes, JsonMapper json, MeterRegistry meters) {
        this.agent = agent;
        this.writes = writes;
        this.json = json;
        this.counts = new OutcomeCounts(
                meters,
                "dualhub.edge.otlp.points",
                "OTLP data points by outcome: accepted (as points), duplicate (a retry, left out),"
                        + " rejected (not taken: see the partial success answer)");
    }

    @Post(uri = "/v1/metrics", consumes = MediaType.ALL, produces = MediaType.ALL)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> metrics(
            @Body @Nullable byte[] body,
            @Header("Content-Type") @Nullable String type,
            @Header("Content-Encoding") @Nullable String encoding) {
        boolean isJson = type != null && type.toLowerCase(Locale.ROOT).startsWith(MediaType.APPLICATION_JSON);
        if (type != null && !isJson && !type.toLowerCase(Locale.ROOT).startsWith(PROTOBUF)) {
            return status(
                    false,
                    HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                    "Content-Type '" + type + "' is not OTLP's: send " + PROTOBUF + " or "
                            + MediaType.APPLICATION_JSON);
        }
        OtlpPoints points;
        try {
            byte[] raw = RequestBodies.decode(
                    body == null ? new byte[0] : body, encoding, agent.config().maxBodyBytes());
            points = OtlpPoints.read(raw, isJson ? json : null);
        } catch (RequestBodies.TooLargeException e) {
            return status(isJson, HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage());
        } catch (BadWriteException | IllegalArgumentException e) {
            return status(isJson, HttpStatus.BAD_REQUEST, e.getMessage());
        }
        if (points.points().size() > agent.config().maxPoints()) {
            return status(
                    isJson,
                    HttpStatus.REQUEST_ENTITY_TOO_LARGE,
                    "more than " + agent.config().maxPoints()
                            + " points (http.max-points): export fewer per request; nothing was stored");
        }
        IdempotentWrites.Appended appended = writes.get().append(points.points());
        WriteOutcome outcome = appended.outcome();
        if (!outcome.stored()) {
            MutableHttpResponse<?> refused = status(isJson, outcome.status(), outcome.message());
            if (outcome.retryAfterSeconds() > 0) {
                refused.header(HttpHeaders.RETRY_AFTER, Long.toString(outcome.retryAfterSeconds()));
            }
            return refused;
        }
        counts.count("accepted", appended.fresh());
        counts.count("duplicate", points.points().size() - appended.fresh());
        counts.count("rejected", points.rejected());
        return success(isJson, points.rejected(), points.firstRejection());
    }

    /** An {@code ExportMetricsServiceResponse}: empty, or a partial success saying what was not taken. */
    private static HttpResponse<?> success(boolean isJson, long rejected, String why) {
        if (isJson) {
            Object answer = rejected == 0
                    ? Map.of()
                    : Map.of(
                            "partialSuccess",
                            Map.of("rejectedDataPoints", Long.toString(rejected), "errorMessage", why));
            return HttpResponse.ok(answer).contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        if (rejected > 0) {
            ByteArrayOutputStream partial = new ByteArrayOutputStream();
            partial.write(1 << 3);
            varint(partial, rejected);
            bytes(partial, 2, why.getBytes(StandardCharsets.UTF_8));
            bytes(out, 1, partial.toByteArray());
        }
        return HttpResponse.ok(out.toByteArray()).contentType(PROTOBUF);
    }

    /** A refusal as a {@code google.rpc.Status} (code 3, INVALID_ARGUMENT, or 8/14 for size and availability). */
    private static MutableHttpResponse<?> status(boolean isJson, HttpStatus status, String message) {
        int code = switch (status) {
            case REQUEST_ENTITY_TOO_LARGE -> 8;
            case SERVICE_UNAVAILABLE -> 14;
            default -> 3;
        };
        if (isJson) {
            return HttpResponse.status(status)
                    .body(Map.of("code", code, "message", message, "details", List.of()))
                    .contentType(MediaType.APPLICATION_JSON_TYPE);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(1 << 3);
        varint(out, code);
        bytes(out, 2, message.getBytes(StandardCharsets.UTF_8));
        return HttpResponse.status(status).body(out.toByteArray()).contentType(PROTOBUF);
    }

    private static void bytes(ByteArrayOutputStream out, int field, byte[] b) {
        out.write(field << 3 | 2);
        varint(out, b.length);
        out.write(b, 0, b.length);
    }

    private static void varint(ByteArrayOutputStream out, long v) {
        while ((v & ~0x7FL) != 0) {
            out.write((int) ((v & 0x7F) | 0x80));
            v >>>= 7;
        }
        out.write((int) v);
    }
}
