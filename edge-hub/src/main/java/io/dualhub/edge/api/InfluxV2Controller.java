package io.dualhub.edge.api;

import io.dualhub.edge.ingest.Precision;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;

/**
 * InfluxDB 2.x's write path, so its client libraries and Telegraf's {@code influxdb_v2} output write to an edge
 * unchanged: {@code POST /api/v2/write?org=&bucket=&precision=ns|us|ms|s} with the token as
 * {@code Authorization: Token ...} ({@link IngestTokenFilter}). The same writes and guarantee as
 * {@code /api/v1/write}: 204 once durably buffered. {@code org}, {@code orgID} and {@code bucket} are taken and not
 * kept: an edge has one namespace, and its points carry the edge's id. Refusals in InfluxDB 2.x's shape
 * ({@link InfluxV2Error}).
 */
@Controller("/api/v2")
public class InfluxV2Controller {
    private final LineWrites writes;

    public InfluxV2Controller(LineWrites writes) {
        this.writes = writes;
    }

    @Post(uri = "/write", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> write(
            @Body @Nullable byte[] body,
            @Header("Content-Encoding") @Nullable String encoding,
            @QueryValue @Nullable String precision) {
        return writes.answer(WriteDialect.INFLUX_V2, Precision::parse, precision, body, encoding);
    }
}
