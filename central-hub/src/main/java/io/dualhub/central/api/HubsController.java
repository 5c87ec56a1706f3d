package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.leader.LeaderRecord;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Subjects;
import io.dualhub.hub.threads.ServerThreads;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.HttpResponse;
import io.micronaut.http.HttpStatus;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.scheduling.annotation.ExecuteOn;
import io.micronaut.serde.annotation.Serdeable;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.ConsumerInfo;
import java.io.IOException;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code GET /api/v1/hubs}: every CentralHub that reads the metrics streams, the leader and its standbys, found by
 * their durable consumers ({@code central-<instance>} on each metrics stream): whether it leads, how many messages
 * it has yet to read or acknowledge, and when it last read. 503 without NATS (the streams are where hubs are known).
 */
@Controller("/api/v1")
public class HubsController {
    private static final String CONSUMER_PREFIX = Subjects.centralConsumer("");

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
            return unavailable("this CentralHub has no NATS connection ("
                    + hub.nats().state() + "): the hubs are known from the metrics streams' consumers");
        }
        try {
            Map<String, long[]> byInstance = consumers(nats.jetStreamManagement());
            LeaderRecord leader = hub.lease().leader();
            List<HubJson> hubs = new ArrayList<>();
            byInstance.forEach((instance, v) -> hubs.add(new HubJson(
                    instance,
                    leader != null && leader.instance().equals(instance),
                    instance.equals(hub.lease().instance()),
                    v[0],
                    v[1] == 0 ? null : v[1])));
            return HttpResponse.ok(hubs);
        } catch (IOException | JetStreamApiException e) {
            return unavailable("the metrics streams' consumers could not be read: " + e.getMessage());
        }
    }

    /** Per instance: messages pending or awaiting its ack over both streams, and the latest read (epoch ms). */
    private static Map<String, long[]> consumers(JetStreamManagement jsm) throws IOException, JetStreamApiException {
        Map<String, long[]> byInstance = new TreeMap<>();
        for (MetricsRoute route : MetricsRoute.values()) {
            for (ConsumerInfo info : jsm.getConsumers(route.stream())) {
                if (!info.getName().startsWith(CONSUMER_PREFIX)) {
                    continue;
                }
                long[] v = byInstance.computeIfAbsent(
                        info.getName().substring(CONSUMER_PREFIX.length()), k -> new long[2]);
                v[0] += info.getNumPending() + info.getNumAckPending();
                ZonedDateTime read = info.getDelivered().getLastActive();
                if (read != null) {
                    v[1] = Math.max(v[1], read.toInstant().toEpochMilli());
                }
            }
        }
        return byInstance;
    }

    private static HttpResponse<?> unavailable(String why) {
        return HttpResponse.status(HttpStatus.SERVICE_UNAVAILABLE).body(new ApiError(why));
    }
}
