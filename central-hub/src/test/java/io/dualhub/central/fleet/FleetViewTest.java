package io.dualhub.central.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.chaos.harness.MutableClock;
import io.dualhub.common.wire.EventCodec;
import io.dualhub.common.wire.Heartbeat;
import io.nats.client.impl.NatsMessage;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The heartbeat cache: newest heartbeat wins, invalid ones are ignored. */
class FleetViewTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-22T10:00:00Z"));
    private final FleetView fleet = new FleetView(clock);

    private void beat(String edge, long sentAtMs) {
        Heartbeat hb = new Heartbeat(edge, "dev", sentAtMs, 0, 10, 10, "host", "a1", "CLOSED", 0, "Linux", null);
        fleet.onHeartbeat(NatsMessage.builder().subject("dualhub.events." + edge + ".heartbeat")
                .data(EventCodec.encode(hb)).build());
    }

    @Test
    void anOlderHeartbeatArrivingLateDoesNotReplaceANewerOne() {
        beat("web-3", 2_000);
        beat("web-3", 1_000);
        assertThat(fleet.seen("web-3").heartbeat().sentAtMs()).isEqualTo(2_000);
    }

    @Test
    void anInvalidHeartbeatIsIgnored() {
        fleet.onHeartbeat(NatsMessage.builder().subject("dualhub.events.x.heartbeat").data("{not json".getBytes()).build());
        assertThat(fleet.all()).isEmpty();
    }
}
