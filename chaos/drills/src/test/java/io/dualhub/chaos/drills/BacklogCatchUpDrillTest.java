package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.NatsFixture;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CentralHub that was down while an edge forwarded a large backlog in large batches (3,000,000 points in
 * 5,000-point writes) catches up on a small heap (256 MiB): everything stored once, the hub never out of memory.
 * Before commits were bounded by points, one fetch decoded every point of 500 such batches at once and the hub
 * died of OutOfMemoryError (found by ./dualhub bench).
 */
class BacklogCatchUpDrillTest {
    private static final int WRITES = 600;
    private static final int POINTS_PER_WRITE = 5_000;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void aLargeBacklogIsStoredOnASmallHeap() throws Exception {
        HubProcess central = hubs.central("main", "");
        central.stop();
        HubProcess edge = hubs.edge("backlog-edge", "collect:\n  enabled: false\n");
        new LineLoad(edge.url(), "backlog").burst((long) WRITES * POINTS_PER_WRITE, 2, POINTS_PER_WRITE);
        await("forwarded to JetStream")
                .atMost(Duration.ofMinutes(2))
                .ignoreExceptions()
                .until(() -> edge.edgeStatus().path("backlog").asLong() == 0);
        central.start();
        CentralClient api = new CentralClient(central.url());
        long total = (long) WRITES * POINTS_PER_WRITE;
        await("caught up")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(() -> !central.isAlive() || api.pointsStored() >= total);
        assertThat(central.isAlive())
                .as("the CentralHub survived the catch-up (see main.log)")
                .isTrue();
        assertThat(api.pointsStored()).isEqualTo(total);
        assertThat(api.get("/api/v1/stats").path("duplicatesDropped").asLong()).isZero();
    }
}
