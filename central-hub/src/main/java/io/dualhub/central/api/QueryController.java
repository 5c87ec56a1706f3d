package io.dualhub.central.api;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.dualhub.central.CentralHub;
import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.SeriesKey;
import io.dualhub.central.store.SeriesQuery;
import io.dualhub.central.store.SeriesSink;
import io.dualhub.central.store.StoreTier;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.core.io.Writable;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.MediaType;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.annotation.ExecuteOn;
import java.io.IOException;
import java.io.Writer;
import java.time.Clock;
import java.util.Map;

/**
 * {@code GET /api/v1/query}: stored series of one metric, raw or averaged per step, over {@code query.default-range}
 * unless {@code from} says otherwise. Bounded: an answer of more than {@code query.max-points} points is refused
 * with 422 saying what to narrow (counted by the engine first, nothing read); an answer within it is written from
 * the store's result set straight into the JSON text, never held as objects.
 */
@Controller("/api/v1")
public class QueryController {
    /** Writes into the response's writer and leaves it open: the server flushes and closes it. */
    private static final JsonFactory JSON = new JsonFactory().disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);

    private final CentralHub hub;
    private final CentralConfig.QuerySettings limits;
    private final Clock clock;

    public QueryController(CentralHub hub, Clock clock) {
        this.hub = hub;
        this.limits = hub.config().query();
        this.clock = clock;
    }

    @Get("/query")
    @ExecuteOn(ServerThreads.API)
    public HttpResponse<?> query(HttpRequest<?> request) {
        SeriesQuery q;
        try {
            q = QueryParams.parse(request.getParameters().asMap(), clock.millis(), limits.defaultRange());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(new ApiError(e.getMessage()));
        }
        long points = hub.store().count(q);
        if (points > limits.maxPoints()) {
            return HttpResponse.status(HttpStatus.UNPROCESSABLE_ENTITY)
                    .body(new ApiError("the answer would hold "
                            + points + " points, more than query.max-points (" + limits.maxPoints()
                            + "): narrow it with a"
                            + " shorter range (from, to), a larger step (step=5m averages per 5 minutes), or tag.<key>= and"
                            + " edge= filters"));
        }
        Writable body = out -> write(q, out);
        return HttpResponse.ok(body).contentType(MediaType.APPLICATION_JSON_TYPE);
    }

    /**
     * {@code {"series":[{"metric","edge","tags":{..},"points":[[epochMs,value],..]},..],"tier":"raw"}}, one entry per
     * matching series, the time as an integer; {@code tier} says where the answer came from ({@code raw}, {@code 1m},
     * {@code 1h}).
     */
    private void write(SeriesQuery q, Writer out) throws IOException {
        try (JsonGenerator json = JSON.createGenerator(out)) {
            json.writeStartObject();
            json.writeArrayFieldStart("series");
            JsonSeries series = new JsonSeries(json);
            StoreTier tier = hub.store().query(q, series);
            series.end();
            json.writeEndArray();
            json.writeStringField("tier", tier.label());
            json.writeEndObject();
        }
    }

    /** Writes each series as it comes: its identity, then its points. */
    private static final class JsonSeries implements SeriesSink {
        private final JsonGenerator json;
        private boolean open;

        JsonSeries(JsonGenerator json) {
            this.json = json;
        }

        @Override
        public void series(SeriesKey key) throws IOException {
            end();
            open = true;
            json.writeStartObject();
            json.writeStringField("metric", key.metric());
            json.writeStringField("edge", key.edge());
            json.writeObjectFieldStart("tags");
            for (Map.Entry<String, String> tag : key.tags().entrySet()) {
                json.writeStringField(tag.getKey(), tag.getValue());
            }
            json.writeEndObject();
            json.writeArrayFieldStart("points");
        }

        @Override
        public void point(long timestampMs, double value) throws IOException {
            json.writeStartArray();
            json.writeNumber(timestampMs);
            json.writeNumber(value);
            json.writeEndArray();
        }

        /** Closes the series being written, if any. */
        void end() throws IOException {
            if (open) {
                json.writeEndArray();
                json.writeEndObject();
                open = false;
            }
        }
    }
}
