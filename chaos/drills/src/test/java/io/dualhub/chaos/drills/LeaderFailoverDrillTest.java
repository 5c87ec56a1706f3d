package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.chaos.harness.FreePorts;
import io.dualhub.chaos.harness.NatsFixture;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A CentralHub pair under load: kill -9 of the leader; the standby takes the lease (the time is printed, not
 * asserted) and, having consumed everything into its own store all along, holds every accepted point exactly once.
 */
class LeaderFailoverDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    private final List<HubProcess> processes = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(HubProcess::stop);
    }

    private HubProcess central(String instance) {
        int port = FreePorts.next();
        HubProcess p = HubProcess.central(HubProcess.home(), instance, List.of("--instance", instance, "--nats",
                NATS.urls(), "--data", dir.resolve(instance).toString(), "--port", Integer.toString(port)),
                dir.resolve(instance + ".log"), port).start();
        processes.add(p);
        return p;
    }

    @Test
    void theStandbyTakesOverAndHoldsEverything() throws Exception {
        HubProcess c1 = central("c1");
        await("c1 leads").atMost(Duration.ofSeconds(20)).until(() -> isLeader(c1));
        HubProcess c2 = central("c2");
        await("c2 sees c1 lead").atMost(Duration.ofSeconds(20))
                .until(() -> new CentralClient(c2.url()).get("/api/v1/leader").path("leader").asText().equals("c1"));
        assertThat(isLeader(c2)).isFalse();

        Path config = dir.resolve("edge.yml");
        Files.writeString(config, "collect:\n  enabled: false\n");
        int edgePort = FreePorts.next();
        HubProcess edge = HubProcess.edge(HubProcess.home(), "edge", List.of("--config", config.toString(), "--id",
                "pair-edge", "--nats", NATS.urls(), "--data", dir.resolve("edge").toString(), "--port",
                Integer.toString(edgePort)), dir.resolve("edge.log"), edgePort).start();
        processes.add(edge);
        LineWriter writer = new LineWriter("pair");
        for (int i = 0; i < 20; i++) {
            assertThat(writer.write(edge.url(), 500)).isTrue();
        }
        long killedAt = System.nanoTime();
        c1.kill9();
        for (int i = 0; i < 20; i++) {
            assertThat(writer.write(edge.url(), 500)).isTrue();
        }
        await("c2 leads").atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(20)).until(() -> isLeader(c2));
        System.out.printf("leader CentralHub kill -9 -> standby leads: %d ms%n", (System.nanoTime() - killedAt) / 1_000_000);

        CentralClient api = new CentralClient(c2.url());
        await().atMost(Duration.ofSeconds(60)).until(() -> api.edge("pair-edge").path("pointsStored").asLong()
                >= writer.accepted());
        assertThat(api.values(writer.metric(), "pair-edge")).hasSize((int) writer.accepted()).doesNotHaveDuplicates();
    }

    private static boolean isLeader(HubProcess central) throws Exception {
        return new CentralClient(central.url()).get("/api/v1/leader").path("isLeader").asBoolean();
    }
}
