package io.dualhub.central.api;

import io.dualhub.central.CentralHub;
import io.dualhub.central.leader.LeaderRecord;
import io.micronaut.core.annotation.Nullable;
import io.micronaut.http.annotation.Controller;
import io.micronaut.http.annotation.Get;
import io.micronaut.serde.annotation.Serdeable;

/** {@code GET /api/v1/leader}: which CentralHub instance leads, as this instance sees it. */
@Controller("/api/v1")
public class LeaderController {
    private final CentralHub hub;

    public LeaderController(CentralHub hub) {
        this.hub = hub;
    }

    /** {@code leader} and {@code since} are null while no leader is known. */
    @Serdeable
    public record LeaderJson(
            @Nullable String leader,
            String self,
            boolean isLeader,
            @Nullable Long since) {}

    @Get("/leader")
    public LeaderJson leader() {
        boolean holds = hub.lease().holds();
        LeaderRecord r = hub.lease().leader();
        return new LeaderJson(
                r == null ? null : r.instance(), hub.lease().instance(), holds, r == null ? null : r.sinceMs());
    }
}
