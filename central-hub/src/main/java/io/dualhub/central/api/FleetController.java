package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.fleet.FleetView;
import io.dualhub.central.lifecycle.EdgeRecord;
import io.dualhub.central.lifecycle.Transition;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.central.store.StoreStats;
import io.dualhub.common.wire.Heartbeat;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.http.annotation.Post;
import io.micronaut.serde.annotation.SerdeImport;
import io.micronaut.serde.annotation.Serdeable;
import java.io.IOException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * {@code GET /api/v1/edges} (the fleet as this hub sees it), {@code GET /api/v1/edges/{id}} (one edge with its host
 * and lifecycle history), {@code POST /api/v1/edges/{id}/decommission} and {@code GET /api/v1/stats} (store totals,
 * refused
 * messages).
 */
@Controller("/api/v1")
@SerdeImport(Transition.class)
public class FleetController {
    private final CentralHub hub;

    public FleetController(CentralHub hub) {
        this.hub = hub;
    }

    /**
     * One edge: lifecycle state (with why and since when), what its heartbeats say, sequences and counts from the
     * store; host, OS and the transition history only when one edge is asked for.
     */
    @Serdeable
    public record EdgeJson(
            String edgeId,
            String state,
            @Nullable String stateReason,
            long stateSinceMs,
            @Nullable String lastSeen,
            long lastSeq,
            long highestSeq,
            long backlog,
            @Nullable String version,
            long pointsStored,
            long duplicatesDropped,
            long pointsDeclaredDropped,
            List<String> droppedRanges,
            long batchesLost,
            List<String> lostRanges,
            List<String> missingRanges,
            @Nullable String incarnation,
            @Nullable String breaker,
            long forwardLagMs,
            long batchesInvalid,
            List<String> invalidRanges,
            @Nullable String host,
            @Nullable String os,
            @Nullable List<Transition> transitions) {}

    @Get("/edges")
    public List<EdgeJson> edges() {
        TreeSet<String> ids = new TreeSet<>(hub.store().edges().keySet());
        ids.addAll(hub.lifecycle().edges());
        return ids.stream().map(id -> edge(id, false)).toList();
    }

    private EdgeJson edge(String id, boolean detail) {
        FleetView.Seen seen = hub.fleet().seen(id);
        EdgeStoreState stored = hub.store().edges().get(id);
        EdgeRecord record = hub.lifecycle().record(id);
        Heartbeat hb = seen == null ? null : seen.heartbeat();
        return new EdgeJson(
                id,
                hub.lifecycle().state(id).name(),
                record == null ? null : record.reason(),
                record == null ? 0 : record.sinceMs(),
                seen == null ? null : Instant.ofEpochMilli(seen.receivedAtMs()).toString(),
                stored == null ? 0 : stored.contiguousSeq(),
                stored == null ? 0 : stored.highestSeq(),
                seen == null ? 0 : seen.heartbeat().backlog(),
                seen == null ? null : seen.heartbeat().version(),
                stored == null ? 0 : stored.points(),
                stored == null ? 0 : stored.duplicates(),
                stored == null ? 0 : stored.droppedPoints(),
                stored == null ? List.of() : stored.droppedRanges(),
                stored == null ? 0 : stored.lostBatches(),
                stored == null ? List.of() : stored.lostRanges(),
                stored == null
                        ? List.of()
                        : stored.missing().stream().map(r -> r[0] + "-" + r[1]).toList(),
                stored == null ? null : stored.incarnation(),
                hb == null ? null : hb.breaker(),
                hb == null ? 0 : hb.forwardLagMs(),
                stored == null ? 0 : stored.invalidBatches(),
                stored == null ? List.of() : stored.invalidRanges(),
                detail ? describe(hb, record, EdgeRecord::host, Heartbeat::host) : null,
                detail ? describe(hb, record, EdgeRecord::os, Heartbeat::os) : null,
                detail ? (record == null ? List.of() : record.transitions()) : null);
    }

    /** What the latest heartbeat says, else what the registry remembers. */
    private static String describe(
            Heartbeat hb,
            EdgeRecord record,
            Function<EdgeRecord, String> remembered,
            Function<Heartbeat, String> said) {
        return hb != null ? said.apply(hb) : record == null ? null : remembered.apply(record);
    }

    @Get("/edges/{id}")
    public HttpResponse<?> edgeById(String id) {
        if (!known(id)) {
            return unknown(id);
        }
        return HttpResponse.ok(edge(id, true));
    }

    /**
     * Retires a stopped edge: its state becomes DECOMMISSIONED (no OFFLINE alert); 409 while it still sends
     * heartbeats, 404 when unknown, 503 without the registry (NATS).
     */
    @Post("/edges/{id}/decommission")
    public HttpResponse<?> decommission(String id) {
        if (!known(id)) {
            return unknown(id);
        }
        try {
            hub.lifecycle().decommission(id);
            return HttpResponse.ok(edge(id, true));
        } catch (IllegalStateException e) {
            return HttpResponse.status(HttpStatus.CONFLICT).body(new ApiError(e.getMessage()));
        } catch (IOException e) {
            return ApiError.unavailable(e.getMessage());
        }
    }

    private boolean known(String id) {
        return hub.store().edges().get(id) != null || hub.lifecycle().edges().contains(id);
    }

    private static HttpResponse<?> unknown(String id) {
        return HttpResponse.notFound(new ApiError("no edge '" + id + "' is known to this CentralHub"));
    }

    /** The store's totals and the messages this hub refused, by reason. */
    @Serdeable
    public record HubStats(
            long pointsStored,
            long batchesStored,
            long duplicatesDropped,
            long pointsDeclaredDropped,
            int edges,
            Map<String, Long> rejected) {}

    @Get("/stats")
    public HubStats stats() {
        StoreStats s = hub.store().stats();
        return new HubStats(
                s.pointsStored(),
                s.batchesStored(),
                s.duplicatesDropped(),
                s.pointsDeclaredDropped(),
                s.edges(),
                hub.rejections().counts());
    }
}
