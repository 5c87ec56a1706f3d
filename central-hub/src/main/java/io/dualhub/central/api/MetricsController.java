package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.store.SeriesCatalogue;
import io.dualhub.common.MetricNames;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.QueryValue;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SortedSet;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/metrics} (the metric names stored, searchable) and {@code GET /api/v1/metrics/{name}} (one
 * metric's edges and tag values): what the dashboard's Explore page offers to choose from. Both answers are bounded:
 * at most {@code limit} names (default {@value #DEFAULT_NAMES}, at most {@value #MAX_NAMES}), at most
 * {@value #MAX_TAG_VALUES} values per tag key; a cut answer says so ({@code truncated}).
 */
@Controller("/api/v1")
@SerdeImport(SeriesCatalogue.MetricName.class)
public class MetricsController {
    static final int DEFAULT_NAMES = 200;
    static final int MAX_NAMES = 10_000;
    static final int MAX_TAG_VALUES = 1_000;

    private final CentralHub hub;

    public MetricsController(CentralHub hub) {
        this.hub = hub;
    }

    /** Metric names in order, with how many series and edges each has; {@code truncated} when more matched. */
    @Serdeable
    public record MetricList(List<SeriesCatalogue.MetricName> metrics, boolean truncated) {}

    @Get("/metrics")
    @ExecuteOn(ServerThreads.API)
    public HttpResponse<?> names(
            @Nullable @QueryValue String match, @Nullable @QueryValue String edge, @Nullable @QueryValue String limit) {
        int max;
        try {
            max = limit == null ? DEFAULT_NAMES : Integer.parseInt(limit);
        } catch (NumberFormatException e) {
            max = 0;
        }
        if (max < 1 || max > MAX_NAMES) {
            return HttpResponse.badRequest(
                    new ApiError("parameter 'limit'='" + limit + "' must be a whole number from 1 to " + MAX_NAMES));
        }
        List<SeriesCatalogue.MetricName> all = hub.store().catalogue().names(match, edge);
        return HttpResponse.ok(new MetricList(all.subList(0, Math.min(max, all.size())), all.size() > max));
    }

    /** One metric: its series count, the edges that have it, per tag key its values (at most a thousand each). */
    @Serdeable
    public record MetricTags(
            String metric,
            int series,
            SortedSet<String> edges,
            Map<String, List<String>> tags,
            List<String> truncated) {}

    @Get("/metrics/{name}")
    @ExecuteOn(ServerThreads.API)
    public HttpResponse<?> tags(String name, @Nullable @QueryValue String edge) {
        if (!MetricNames.isValidMetric(name)) {
            return HttpResponse.badRequest(new ApiError(QueryParams.noSuchName("metric '" + name + "'", name)));
        }
        SeriesCatalogue.MetricTags found = hub.store().catalogue().tags(name, edge);
        if (found.series() == 0) {
            return HttpResponse.notFound(new ApiError("no series of metric '" + name + "'"
                    + (edge == null ? "" : " from edge '" + edge + "'") + " is stored; GET /api/v1/metrics?match="
                    + name + " lists the names that are"));
        }
        Map<String, List<String>> tags = new TreeMap<>();
        List<String> truncated = new ArrayList<>();
        found.tags().forEach((key, values) -> {
            tags.put(key, values.stream().limit(MAX_TAG_VALUES).toList());
            if (values.size() > MAX_TAG_VALUES) {
                truncated.add(key);
            }
        });
        return HttpResponse.ok(new MetricTags(name, found.series(), found.edges(), tags, truncated));
    }
}
