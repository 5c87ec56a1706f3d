package io.dualhub.edge.api;

import io.dualhub.common.config.Secret;
import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.buffer.BufferFullException;
import io.dualhub.edge.ingest.LineProtocolException;
import io.dualhub.edge.ingest.LineProtocolParser;
import io.dualhub.edge.ingest.Precision;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpHeaders;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Body;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Header;
import io.micronaut.http.annotation.Post;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.List;

/**
 * {@code POST /api/v1/write}: InfluxDB line protocol in, 204 once every point of the request is durably in the
 * edge buffer. A request is all or nothing: the first bad line answers 400 naming it, and nothing is stored; a
 * full buffer (reject policy, or the disk's reserve reached) answers 503 with Retry-After, and nothing is stored.
 * With {@code http.ingest-token} set, a request without it answers 401 and nothing is stored.
 */
@Controller("/api/v1")
public class WriteController {
    /** How long a writer refused by a full buffer is asked to wait: about one forwarder backoff cap. */
    static final long RETRY_AFTER_SECONDS = 5;
    private final EdgeAgent agent;
    private final Clock clock;
    private final long maxBody;

    public WriteController(EdgeAgent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
        this.maxBody = agent.config().maxBodyBytes();
    }

    @Post(uri = "/write", consumes = MediaType.ALL, produces = MediaType.APPLICATION_JSON)
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> write(@Body @Nullable byte[] body,
                                 @Header("Content-Encoding") @Nullable String encoding,
                                 @Header("Authorization") @Nullable String authorization,
                                 @QueryValue @Nullable String precision) {
        Secret token = agent.config().ingestToken();
        if (token != null && !token.matches(Secret.presented(authorization))) {
            return HttpResponse.status(HttpStatus.UNAUTHORIZED).header(HttpHeaders.WWW_AUTHENTICATE, "Bearer")
                    .body(WriteError.of("this edge needs its ingest token: send 'Authorization: Bearer <token>' (or "
                            + "'Token <token>', as InfluxDB v2 clients do); nothing was stored", null));
        }
        Precision unit;
        try {
            unit = Precision.parse(precision);
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(WriteError.of(e.getMessage(), null));
        }
        byte[] raw;
        try {
            raw = RequestBodies.decode(body == null ? new byte[0] : body, encoding, maxBody);
        } catch (RequestBodies.TooLargeException e) {
            return HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE).body(WriteError.of(e.getMessage(), null));
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(WriteError.of(e.getMessage(), null));
        }
        List<Point> points;
        try {
            points = new LineProtocolParser(unit, clock.millis()).parse(utf8(raw));
        } catch (LineProtocolException e) {
            return HttpResponse.badRequest(WriteError.of(e.getMessage(), e.line()));
        }
        try {
            agent.accept(points);
        } catch (BufferFullException e) {
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
                    .body(WriteError.of(e.getMessage(), null));
        }
        return HttpResponse.noContent();
    }

    /**
     * The body as text, refused when it is not valid UTF-8. The JDK's lenient decoding is several times faster than a
     * reporting decoder, and marks bad input with U+FFFD: only a body holding that character is decoded again strictly.
     */
    private static String utf8(byte[] raw) {
        String text = new String(raw, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .decode(java.nio.ByteBuffer.wrap(raw)).toString();
        } catch (CharacterCodingException e) {
            throw new LineProtocolException(0, "body is not valid UTF-8");
        }
    }
}
