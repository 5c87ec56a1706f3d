package io.dualhub.edge.api;

import io.dualhub.common.wire.Point;
import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.buffer.BufferFullException;
import io.dualhub.edge.buffer.PointTooLargeException;
import io.dualhub.edge.ingest.LineProtocolException;
import io.dualhub.edge.ingest.LineProtocolParser;
import io.dualhub.edge.ingest.Precision;
import io.dualhub.edge.ingest.SeriesLimitException;
import io.dualhub.edge.ingest.TooManyPointsException;
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
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code POST /api/v1/write}: InfluxDB line protocol in, 204 once every point of the request is durably in the
 * edge buffer. A request is all or nothing: the first bad line answers 400 naming it, and nothing is stored; a
 * full buffer (reject policy, or the disk's reserve reached) answers 503 with Retry-After, and nothing is stored.
 * With {@code http.ingest-token} set, a request without it answers 401 before its body is read
 * ({@link IngestTokenFilter}). A request of more than {@code http.max-points} points answers 413.
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
    public HttpResponse<?> write(
            @Body @Nullable byte[] body,
            @Header("Content-Encoding") @Nullable String encoding,
            @QueryValue @Nullable String precision) {
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
            points = parse(
                    raw,
                    new LineProtocolParser(unit, clock.millis(), agent.config().maxPoints()));
        } catch (TooManyPointsException e) {
            return HttpResponse.status(HttpStatus.REQUEST_ENTITY_TOO_LARGE)
                    .body(WriteError.of(e.getMessage(), e.line()));
        } catch (LineProtocolException e) {
            return HttpResponse.badRequest(WriteError.of(e.getMessage(), e.line()));
        }
        try {
            agent.accept(points);
        } catch (SeriesLimitException | PointTooLargeException e) {
            return HttpResponse.badRequest(WriteError.of(e.getMessage(), null));
        } catch (BufferFullException e) {
            return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE)
                    .header(HttpHeaders.RETRY_AFTER, Long.toString(RETRY_AFTER_SECONDS))
                    .body(WriteError.of(e.getMessage(), null));
        }
        return HttpResponse.noContent();
    }

    /** Largest piece of a body decoded to text at once: a body of many MiB never becomes one string. */
    static final int PIECE_BYTES = 1 << 20;

    /**
     * Parses the body piece by piece, each piece whole lines of at most about {@link #PIECE_BYTES} (a longer line is
     * a piece of its own): the text of the whole body never exists at once, only the points and one piece.
     */
    static List<Point> parse(byte[] raw, LineProtocolParser parser) {
        List<Point> points = new ArrayList<>();
        int lines = 0;
        int from = 0;
        while (from <= raw.length) {
            int to = Math.min(raw.length, from + PIECE_BYTES);
            while (to < raw.length && raw[to] != '\n') {
                to++;
            }
            lines += parser.parseInto(utf8(raw, from, to), lines, points);
            from = to + 1; // past the newline that ends the piece
        }
        return points;
    }

    /**
     * A piece of the body as text, refused when it is not valid UTF-8 (a piece ends at a newline, which never lies
     * inside a character). The JDK's lenient decoding is several times faster than a reporting decoder, and marks bad
     * input with U+FFFD: only a piece holding that character is decoded again strictly.
     */
    private static String utf8(byte[] raw, int from, int to) {
        String text = new String(raw, from, to - from, StandardCharsets.UTF_8);
        if (text.indexOf('\uFFFD') < 0) {
            return text;
        }
        try {
            return StandardCharsets.UTF_8
                    .newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(raw, from, to - from))
                    .toString();
        } catch (CharacterCodingException e) {
            throw new LineProtocolException(0, "body is not valid UTF-8");
        }
    }
}
