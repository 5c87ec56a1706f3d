package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.leader.LeaderRecord;
import io.dualhub.common.Partition;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import java.io.IOException;

/**
 * {@code GET /api/v1/hubs}: every CentralHub of this hub's group that reads the metrics streams, the leader and its
 * standbys, found by their durable consumers ({@code central-<instance>} on each metrics stream): whether it leads,
 * how many messages it has yet to read or acknowledge, and when it last read. The other groups of a partitioned site
 * are in {@code GET /api/v1/site}. 503 without NATS (the streams are where hubs are known).
 */
@Controller("/api/v1")
public class HubsController {
    private final CentralHub hub;

    public HubsController(CentralHub hub) {
        this.hub = hub;
    }

    /** One CentralHub as the streams know it; {@code lastReadMs} is null before it read anything. */
    @Serdeable
    public record HubJson(
            String instance,
            boolean leader,
            boolean self,
            long pending,
            @Nullable Long lastReadMs) {}

    @Get("/hubs")
    @ExecuteOn(ServerThreads.API)
    public HttpResponse<?> hubs() {
        Connection nats = hub.nats().live();
        if (nats == null) {
            return ApiError.withoutNats(hub.nats().state(), "the hubs are known from the metrics streams' consumers");
        }
        try {
            LeaderRecord leader = hub.lease().leader();
            Partition group = hub.config().partition();
            return HttpResponse.ok(StreamReaders.of(nats.jetStreamManagement(), group.count()).values().stream()
                    .filter(r -> r.partition() == group.index())
                    .map(r -> new HubJson(
                            r.instance(),
                            leader != null && leader.instance().equals(r.instance()),
                            r.instance().equals(hub.lease().instance()),
                            r.pending(),
                            r.lastReadMs() == 0 ? null : r.lastReadMs()))
                    .toList());
        } catch (IOException | JetStreamApiException e) {
            return ApiError.unavailable("the metrics streams' consumers could not be read: " + e.getMessage());
        }
    }
}
