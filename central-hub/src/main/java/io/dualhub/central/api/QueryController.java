package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.store.SeriesQuery;
import io.dualhub.central.store.StoredSeries;
import io.micronaut.http.HttpRequest;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.TaskExecutors;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import java.util.List;
import java.util.Map;

/** {@code GET /api/v1/query}: stored series of one metric, raw or averaged per step. */
@Controller("/api/v1")
public class QueryController {
    private final CentralHub hub;

    public QueryController(CentralHub hub) {
        this.hub = hub;
    }

    /** The answer: one entry per matching series. */
    @Serdeable
    public record QueryResult(List<SeriesJson> series) {
    }

    /** One series as JSON; points are {@code [epochMs, value]} with the time as an integer. */
    @Serdeable
    public record SeriesJson(String metric, String edge, Map<String, String> tags, List<List<Number>> points) {
        static SeriesJson of(StoredSeries s) {
            List<List<Number>> points = s.points().stream()
                    .map(p -> List.<Number>of((long) p[0], p[1])).toList();
            return new SeriesJson(s.metric(), s.edge(), s.tags(), points);
        }
    }

    @Get("/query")
    @ExecuteOn(TaskExecutors.BLOCKING)
    public HttpResponse<?> query(HttpRequest<?> request) {
        SeriesQuery q;
        try {
            q = QueryParams.parse(request.getParameters().asMap());
        } catch (IllegalArgumentException e) {
            return HttpResponse.badRequest(new ApiError(e.getMessage()));
        }
        return HttpResponse.ok(new QueryResult(hub.store().query(q).stream().map(SeriesJson::of).toList()));
    }
}
