package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The bounded buffer through a NATS outage longer than it can hold, under both policies. drop-oldest: every write is
 * accepted, the oldest unsent batches are declared dropped, and afterwards accepted = stored + declared-dropped with
 * no duplicates. reject: writes beyond the limit answer 503 with Retry-After, and everything accepted is stored.
 */
class OverflowDrillTest {
    private static final int REQUESTS = 300;
    private static final int PER_REQUEST = 100;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    private HubProcess edge;

    @AfterEach
    void restartNats() {
        NATS.node(0).start();
    }

    private CentralClient start(String edgeId, String overflow) throws Exception {
        return start(
                edgeId,
                "  max-bytes: 64KiB\n  max-batch-bytes: 8KiB\n  overflow: " + overflow + "\n",
                hubs.dir().resolve("edge"));
    }

    private CentralClient start(String edgeId, String bufferYaml, Path edgeData) {
        HubProcess central = hubs.central("central-" + edgeId, "");
        edge = hubs.edge(
                edgeId,
                "collect:\n  enabled: false\nbuffer:\n" + bufferYaml
                        + "forward:\n  window: 4\n  retry:\n    max-interval: 500ms\n",
                NATS.urls(),
                edgeData);
        return new CentralClient(central.url());
    }

    @Test
    void dropOldestDeclaresExactlyWhatItDropped() throws Exception {
        CentralClient api = start("drop-oldest", "drop-oldest");
        SequencedWriter writer = new SequencedWriter("overflow");
        assertThat(writer.write(edge.url(), PER_REQUEST)).isTrue();
        await().atMost(Duration.ofSeconds(30))
                .until(() -> api.edge("drop-oldest").path("pointsStored").asLong() == PER_REQUEST);

        NATS.node(0).stop();
        for (int i = 1; i < REQUESTS; i++) {
            assertThat(writer.write(edge.url(), PER_REQUEST))
                    .as("write %d accepted under drop-oldest", i)
                    .isTrue();
        }
        NATS.node(0).start();

        await("stored + declared-dropped = accepted")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    JsonNode e = api.edge("drop-oldest");
                    return e.path("pointsStored").asLong()
                                    + e.path("pointsDeclaredDropped").asLong()
                            >= writer.accepted();
                });
        JsonNode fleet = api.edge("drop-oldest");
        long stored = fleet.path("pointsStored").asLong();
        long dropped = fleet.path("pointsDeclaredDropped").asLong();
        List<Long> values = api.values(writer.metric(), "drop-oldest");
        System.out.printf(
                "drop-oldest: accepted %d, stored %d, declared dropped %d%n", writer.accepted(), stored, dropped);
        assertThat(dropped).as("the outage overflowed the buffer").isPositive();
        assertThat(stored + dropped).isEqualTo(writer.accepted());
        assertThat(values).hasSize((int) stored);
        assertThat(new HashSet<>(values)).as("no duplicates").hasSize((int) stored);
        assertThat(fleet.path("droppedRanges")).isNotEmpty();
        assertThat(fleet.path("lastSeq").asLong())
                .as("every sequence accounted")
                .isEqualTo(fleet.path("highestSeq").asLong());
        assertThat(api.get("/api/v1/alerts")).as("the declared loss alerted").anySatisfy(a -> {
            assertThat(a.path("name").asText()).isEqualTo("DualhubDataLoss");
            assertThat(a.path("edge").asText()).isEqualTo("drop-oldest");
            assertThat(a.path("summary").asText()).contains("points in", "lost (OVERFLOW");
        });
    }

    @Test
    void rejectRefusesBeyondTheLimitAndStoresAllItAccepted() throws Exception {
        CentralClient api = start("reject", "reject");
        SequencedWriter writer = new SequencedWriter("overflow");
        NATS.node(0).stop();
        int refused = 0;
        for (int i = 0; i < REQUESTS; i++) {
            if (!writer.write(edge.url(), PER_REQUEST)) {
                refused++;
            }
        }
        assertThat(writer.lastStatus()).isEqualTo(503);
        assertThat(writer.lastRetryAfter()).isEqualTo("5");
        NATS.node(0).start();
        await("everything accepted is stored")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.edge("reject").path("pointsStored").asLong() >= writer.accepted());
        System.out.printf("reject: accepted %d, refused %d requests%n", writer.accepted(), refused);
        assertThat(refused).isPositive();
        assertThat(api.values(writer.metric(), "reject"))
                .hasSize((int) writer.accepted())
                .doesNotHaveDuplicates();
        assertThat(api.edge("reject").path("pointsDeclaredDropped").asLong()).isZero();
    }

    @Test
    void aFullDiskRefusesNewPointsWithoutCrashingAndRecoversWhenSpaceReturns() throws Exception {
        Path disk = hubs.dir().resolve("small-disk");
        Files.createDirectories(disk);
        Assumptions.assumeTrue(
                SmallDisk.mount(disk, 64),
                "skipped: mounting a 64 MiB tmpfs for the disk-full drill needs root (this run is not root)");
        try {
            CentralClient api = start("disk-full", "  min-free-disk: 8MiB\n", disk.resolve("edge"));
            Path filler = SmallDisk.fillLeaving(disk, 14L << 20);
            SequencedWriter writer = new SequencedWriter("diskfull");
            NATS.node(0).stop();
            int refused = 0;
            for (int i = 0; i < 2000 && refused == 0; i++) {
                if (!writer.write(edge.url(), 1000)) {
                    refused++;
                }
            }
            assertThat(writer.lastStatus())
                    .as("refused once the disk reserve is reached")
                    .isEqualTo(503);
            assertThat(edge.isHealthy()).as("the edge is still up").isTrue();
            long acceptedWhileFull = writer.accepted();

            Files.delete(filler);
            await("accepting again once space returned")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> writer.write(edge.url(), 1000));
            NATS.node(0).start();
            await("everything accepted is stored")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> api.edge("disk-full").path("pointsStored").asLong() >= writer.accepted());
            System.out.printf(
                    "disk full: accepted %d before the reserve was reached, %d in all%n",
                    acceptedWhileFull, writer.accepted());
            assertThat(api.values(writer.metric(), "disk-full"))
                    .hasSize((int) writer.accepted())
                    .doesNotHaveDuplicates();
        } finally {
            edge.stop();
            SmallDisk.unmount(disk);
        }
    }
}
