package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.StoreStats;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import java.time.Instant;
import java.util.List;
import java.util.TreeSet;

/** {@code GET /api/v1/edges} (the fleet as this hub sees it) and {@code GET /api/v1/stats} (store totals). */
@Controller("/api/v1")
@SerdeImport(StoreStats.class)
public class FleetController {
    private final CentralHub hub;

    public FleetController(CentralHub hub) {
        this.hub = hub;
    }

    /** One edge: liveness from heartbeats, sequences and counts from the store. */
    @Serdeable
    public record EdgeJson(String edgeId, String state, @Nullable String lastSeen, long lastSeq, long highestSeq,
                           long backlog, @Nullable String version, long pointsStored, long duplicatesDropped,
                           long pointsDeclaredDropped, List<String> droppedRanges, long batchesLost,
                           List<String> lostRanges, List<String> missingRanges, @Nullable String incarnation) {
    }

    @Get("/edges")
    public List<EdgeJson> edges() {
        TreeSet<String> ids = new TreeSet<>(hub.store().edges().keySet());
        ids.addAll(hub.fleet().all().keySet());
        return ids.stream().map(this::edge).toList();
    }

    private EdgeJson edge(String id) {
        FleetView.Seen seen = hub.fleet().seen(id);
        EdgeStoreState stored = hub.store().edges().get(id);
        return new EdgeJson(id, hub.fleet().state(id).name(),
                seen == null ? null : Instant.ofEpochMilli(seen.receivedAtMs()).toString(),
                stored == null ? 0 : stored.contiguousSeq(), stored == null ? 0 : stored.highestSeq(),
                seen == null ? 0 : seen.heartbeat().backlog(), seen == null ? null : seen.heartbeat().version(),
                stored == null ? 0 : stored.points(), stored == null ? 0 : stored.duplicates(),
                stored == null ? 0 : stored.droppedPoints(), stored == null ? List.of() : stored.droppedRanges(),
                stored == null ? 0 : stored.lostBatches(), stored == null ? List.of() : stored.lostRanges(),
                stored == null ? List.of() : stored.missing().stream().map(r -> r[0] + "-" + r[1]).toList(),
                stored == null ? null : stored.incarnation());
    }

    @Get("/edges/{id}")
    public HttpResponse<?> edgeById(String id) {
        if (hub.store().edges().get(id) == null && hub.fleet().seen(id) == null) {
            return HttpResponse.notFound(new ApiError("no edge '" + id + "' is known to this CentralHub"));
        }
        return HttpResponse.ok(edge(id));
    }

    @Get("/stats")
    public StoreStats stats() {
        return hub.store().stats();
    }
}
