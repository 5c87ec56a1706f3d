package io.dualhub.edge.api;

import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.ingest.Precision;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * InfluxDB's own paths, so Telegraf's {@code influxdb} and {@code influxdb_v2} outputs and InfluxDB's client libraries
 * write to an edge unchanged: 2.x's {@code POST /api/v2/write} ({@link #writeV2}) and 1.x's
 * {@code POST /write?db=&precision=n|ns|u|us|ms|s|m|h} (credentials as {@code u}/{@code p}, basic auth or
 * {@code Authorization: Token ...}: {@link IngestTokenFilter}), the same writes and guarantee as
 * {@code /api/v1/write}; {@code GET|HEAD /ping} answering 204, which clients probe; and {@code POST /query} for
 * {@code CREATE DATABASE} only, which Telegraf sends at start and which succeeds and does nothing. {@code db},
 * {@code rp} and {@code consistency} are taken and not kept: an edge has one namespace.
 */
@Controller
public class InfluxController {
    /** The header InfluxDB answers {@code /ping} with; clients show it as the server's version. */
    static final String VERSION_HEADER = "X-Influxdb-Version";

    private static final Pattern CREATE_DATABASE =
            Pattern.compile("\\s*CREATE\\s+DATABASE\\s+\\S.*", Pattern.CASE_INSENSITIVE | Pattern.DOTALL);

    private final LineWrites writes;

    public InfluxController(LineWrites writes) {
        this.writes = writes;
    }

    @Post(uri = "/write", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> write(
            @Body @Nullable byte[] body,
            @Header("Content-Encoding") @Nullable String encoding,
            @QueryValue @Nullable String precision) {
        return writes.answer(WriteDialect.INFLUX_V1, Precision::parseV1, precision, body, encoding);
    }

    /**
     * InfluxDB 2.x's write path, as its client libraries and Telegraf's {@code influxdb_v2} output send it:
     * {@code org}, {@code orgID} and {@code bucket} are taken and not kept, {@code precision} is ns|us|ms|s, the token
     * comes as {@code Authorization: Token ...}; refusals in 2.x's shape ({@link InfluxV2Error}).
     */
    @Post(uri = "/api/v2/write", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> writeV2(
            @Body @Nullable byte[] body,
            @Header("Content-Encoding") @Nullable String encoding,
            @QueryValue @Nullable String precision) {
        return writes.answer(WriteDialect.INFLUX_V2, Precision::parse, precision, body, encoding);
    }

    @Get("/ping")
    public HttpResponse<?> ping() {
        return HttpResponse.noContent()
                .header(VERSION_HEADER, "dualhub-" + EdgeAgent.VERSION)
                .header("X-Influxdb-Build", "dualhub");
    }

    /**
     * {@code CREATE DATABASE} (in {@code q}, from the query string or a form body) succeeds as InfluxDB answers it;
     * any other statement is refused saying where queries go.
     */
    @Post(uri = "/query", consumes = MediaType.APPLICATION_FORM_URLENCODED)
    public HttpResponse<?> query(@QueryValue @Nullable String q, @Body @Nullable Map<String, String> form) {
        return answer(q != null ? q : form == null ? null : form.get("q"));
    }

    /** The same by GET, as influxdb-java sends a query it was not told needs POST. */
    @Get("/query")
    public HttpResponse<?> queryByGet(@QueryValue @Nullable String q) {
        return answer(q);
    }

    private static HttpResponse<?> answer(String statement) {
        if (statement != null && CREATE_DATABASE.matcher(statement).matches()) {
            return HttpResponse.ok(Map.of("results", List.of(Map.of("statement_id", 0))));
        }
        return WriteDialect.INFLUX_V1.refusal(
                HttpStatus.BAD_REQUEST,
                "an edge takes writes only: 'CREATE DATABASE' succeeds and does nothing, other statements are "
                        + "refused; query the CentralHub's API (/api/v1/query) instead",
                null);
    }
}
