package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.leader.LeaderLease;
import io.dualhub.central.leader.LeaderRecord;
import io.dualhub.central.lifecycle.EdgeRecord;
import io.dualhub.common.Partition;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.WireFormatException;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.KeyValue;
import io.nats.client.api.KeyValueEntry;
import io.nats.client.api.KeyValueOperation;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code GET /api/v1/site}: the whole site, each group of a partitioned one in turn, as any of its CentralHubs sees
 * it: the group's leader, the hubs that read its share of the streams, and its edges with their lifecycle state. All
 * of it is read from what every group shares (the leases, the streams' consumers, the fleet registry), so one hub
 * answers for every group; an edge's points, backlog and gaps are its own group's to tell ({@code /api/v1/edges} on a
 * hub of that group). A site without partitions is one group. 503 without NATS.
 */
@Controller("/api/v1")
public class SiteController {
    private final CentralHub hub;

    public SiteController(CentralHub hub) {
        this.hub = hub;
    }

    /**
     * The site: how many groups it has, which one this hub is in, whether this hub has read the whole fleet registry
     * yet ({@code loaded}: before that the edges are the part read so far), each group, and the hubs reading the
     * streams that are in no group of it ({@code unassigned}: a subject filter of another number of groups, or none
     * on a partitioned site).
     */
    @Serdeable
    public record SiteJson(
            int partitions, int partition, boolean loaded, List<GroupJson> groups, List<String> unassigned) {}

    /**
     * One group: its leader (null when none holds its lease), its hubs by instance, and its edges. Only a group's
     * leader moves its edges' states on, so without one they are as it last left them.
     */
    @Serdeable
    public record GroupJson(int partition, @Nullable String leader, List<String> hubs, List<SiteEdgeJson> edges) {}

    /** An edge as the fleet registry holds it: its lifecycle state since when and why, and what it said of itself. */
    @Serdeable
    public record SiteEdgeJson(
            String edgeId,
            String state,
            long sinceMs,
            @Nullable String reason,
            @Nullable String version,
            @Nullable String host) {}

    @Get("/site")
    @ExecuteOn(ServerThreads.API)
    public HttpResponse<?> site() {
        Connection nats = hub.nats().live();
        if (nats == null) {
            return ApiError.withoutNats(hub.nats().state(), "the site is read from what its groups share in NATS");
        }
        Partition self = hub.config().partition();
        try {
            Map<String, StreamReaders.Reader> readers = StreamReaders.of(nats.jetStreamManagement(), self.count());
            Map<Integer, List<SiteEdgeJson>> edges =
                    edgesByGroup(hub.lifecycle().site(), self.count());
            KeyValue leases = nats.keyValue(LeaderLease.BUCKET);
            List<GroupJson> groups = new ArrayList<>();
            for (int k = 0; k < self.count(); k++) {
                groups.add(new GroupJson(
                        k,
                        leader(leases, new Partition(self.count(), k)),
                        hubsOf(readers, k),
                        edges.getOrDefault(k, List.of())));
            }
            return HttpResponse.ok(
                    new SiteJson(self.count(), self.index(), hub.lifecycle().ready(), groups, hubsOf(readers, -1)));
        } catch (IOException | JetStreamApiException e) {
            return ApiError.unavailable(
                    "the site's leases or the metrics streams' consumers could not be read: " + e.getMessage());
        }
    }

    private static List<String> hubsOf(Map<String, StreamReaders.Reader> readers, int k) {
        return readers.values().stream()
                .filter(r -> r.partition() == k)
                .map(StreamReaders.Reader::instance)
                .toList();
    }

    /** Each edge of the registry under the group the servers' mapping puts it in, in the registry's order. */
    private static Map<Integer, List<SiteEdgeJson>> edgesByGroup(Map<String, EdgeRecord> edges, int partitions) {
        return edges.values().stream()
                .collect(Collectors.groupingBy(
                        e -> Partition.of(e.edgeId(), partitions),
                        Collectors.mapping(
                                e -> new SiteEdgeJson(
                                        e.edgeId(), e.state().name(), e.sinceMs(), e.reason(), e.version(), e.host()),
                                Collectors.toList())));
    }

    /** The instance holding the group's lease, or null when none does (it ran out, or was never taken). */
    private static String leader(KeyValue leases, Partition group) throws IOException, JetStreamApiException {
        KeyValueEntry entry = leases.get(group.qualify(LeaderLease.KEY));
        if (entry == null || entry.getOperation() != KeyValueOperation.PUT) {
            return null;
        }
        try {
            return EventCodec.decode(entry.getValue(), LeaderRecord.class).instance();
        } catch (WireFormatException e) {
            return null; // a lease this version cannot read: shown as no leader known
        }
    }
}
