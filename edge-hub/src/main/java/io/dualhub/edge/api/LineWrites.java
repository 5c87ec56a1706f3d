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
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import jakarta.inject.Singleton;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * One write of line protocol, whichever path it came by ({@code /api/v1/write}, InfluxDB 1.x's {@code /write} or
 * 2.x's {@code /api/v2/write}): the body decoded, parsed and appended to the edge buffer, all or nothing. The
 * outcome is success only once every point of the request is durably in the buffer; each path renders a refusal in
 * its own dialect ({@link WriteDialect}).
 */
@Singleton
public class LineWrites {
    /** How long a writer refused by a full buffer is asked to wait: about one forwarder backoff cap. */
    static final long RETRY_AFTER_SECONDS = 5;

    /** Largest piece of a body decoded to text at once: a body of many MiB never becomes one string. */
    static final int PIECE_BYTES = 1 << 20;

    private final EdgeAgent agent;
    private final Clock clock;
    private final long maxBody;

    public LineWrites(EdgeAgent agent, Clock clock) {
        this.agent = agent;
        this.clock = clock;
        this.maxBody = agent.config().maxBodyBytes();
    }

    /**
     * The answer to a write on a path of {@code dialect}: its {@code precision} read by that path's {@code units}
     * (a bad one is 400), then the write.
     */
    HttpResponse<?> answer(
            WriteDialect dialect, Function<String, Precision> units, String precision, byte[] body, String encoding) {
        Precision unit;
        try {
            unit = units.apply(precision);
        } catch (IllegalArgumentException e) {
            return dialect.refusal(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        }
        return dialect.answer(write(body, encoding, unit));
    }

    /** Decodes ({@code Content-Encoding}), parses and appends {@code body}; nothing is stored unless all of it is. */
    WriteOutcome write(byte[] body, String encoding, Precision unit) {
        byte[] raw;
        try {
            raw = RequestBodies.decode(body == null ? new byte[0] : body, encoding, maxBody);
        } catch (RequestBodies.TooLargeException e) {
            return WriteOutcome.refused(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage(), null);
        } catch (IllegalArgumentException e) {
            return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        }
        List<Point> points;
        try {
            points = parse(
                    raw,
                    new LineProtocolParser(unit, clock.millis(), agent.config().maxPoints()));
        } catch (TooManyPointsException e) {
            return WriteOutcome.refused(HttpStatus.REQUEST_ENTITY_TOO_LARGE, e.getMessage(), e.line());
        } catch (LineProtocolException e) {
            return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), e.line() > 0 ? e.line() : null);
        }
        try {
            agent.accept(points);
        } catch (SeriesLimitException | PointTooLargeException e) {
            return WriteOutcome.refused(HttpStatus.BAD_REQUEST, e.getMessage(), null);
        } catch (BufferFullException e) {
            return WriteOutcome.retryLater(e.getMessage(), RETRY_AFTER_SECONDS);
        }
        return WriteOutcome.STORED;
    }

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
