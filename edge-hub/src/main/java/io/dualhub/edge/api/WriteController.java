package io.dualhub.edge.api;

import io.dualhub.edge.ingest.Precision;
import io.micronaut.context.BeanProvider;
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
import java.util.Locale;

/**
 * {@code POST /api/v1/write}: InfluxDB line protocol in, 204 once every point of the request is durably in the
 * edge buffer. A request is all or nothing: the first bad line answers 400 naming it, and nothing is stored; a
 * full buffer (reject policy, or the disk's reserve reached) answers 503 with Retry-After, and nothing is stored.
 * With {@code http.ingest-token} set, a request without it answers 401 before its body is read
 * ({@link IngestTokenFilter}). A request of more than {@code http.max-points} points answers 413. InfluxDB's own
 * paths take the same writes: {@link InfluxController}. A body of type
 * {@value #PROTOBUF} is Prometheus remote write instead ({@link RemoteWrites}).
 */
@Controller("/api/v1")
public class WriteController {
    /** The content type of Prometheus remote write: the body is a snappy-compressed protobuf WriteRequest. */
    static final String PROTOBUF = "application/x-protobuf";

    private final LineWrites writes;
    private final BeanProvider<RemoteWrites> remoteWrites;

    /** Remote write's part is made on its first request: an edge without a remote-write sender never pays for it. */
    public WriteController(LineWrites writes, BeanProvider<RemoteWrites> remoteWrites) {
        this.writes = writes;
        this.remoteWrites = remoteWrites;
    }

    @Post(uri = "/write", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> write(
            @Body @Nullable byte[] body,
            @Header("Content-Type") @Nullable String type,
            @Header("Content-Encoding") @Nullable String encoding,
            @QueryValue @Nullable String precision) {
        if (type != null && type.toLowerCase(Locale.ROOT).startsWith(PROTOBUF)) {
            return WriteDialect.INFLUX_V1.answer(remoteWrites.get().write(body));
        }
        return writes.answer(WriteDialect.INFLUX_V1, Precision::parse, precision, body, encoding);
    }
}
