package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.RemoteWriteReceiver;
import io.dualhub.testkit.SequencedWriter;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Export to real receivers, VictoriaMetrics (on https with a test CA, wanting basic auth: given in the list of
 * targets with a secret file and the CA) and
 * Prometheus at once, through a CentralHub pair under load: the leader
 * (the exporting hub) is killed (-9), and so is each receiver, each restarted on its data while points keep coming.
 * Afterwards every receiver holds, asked through its own query API, exactly the points the edge accepted, each once.
 */
class ExportDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void everyAcceptedPointReachesBothReceiversOnceThroughKillsOfTheExporterAndTheReceivers() throws Exception {
        Assumptions.assumeTrue(
                RemoteWriteReceiver.missing().isEmpty(),
                RemoteWriteReceiver.missing().orElse(""));
        try (RemoteWriteReceiver vm =
                        RemoteWriteReceiver.victoriaMetrics(hubs.dir().resolve("vm"));
                RemoteWriteReceiver prometheus =
                        RemoteWriteReceiver.prometheus(hubs.dir().resolve("prom"))) {
            String yaml = "export:\n  remote-write:\n    urls: " + vm.writeUrl() + "," + prometheus.writeUrl() + "\n";
            List<HubProcess> pair = hubs.leaderAndStandby(yaml);
            HubProcess edge = hubs.edge("export-edge", "collect:\n  enabled: false\n");
            SequencedWriter writer = new SequencedWriter("exported");

            write(writer, edge, 10);
            pair.get(0).kill9(); // the exporting hub, in the middle of the load
            write(writer, edge, 10);
            vm.kill9();
            write(writer, edge, 5);
            vm.start();
            prometheus.kill9();
            write(writer, edge, 5);
            prometheus.start();
            write(writer, edge, 10);

            CentralClient standby = new CentralClient(pair.get(1).url());
            await("the standby leads and has exported everything")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofSeconds(1))
                    .untilAsserted(() -> assertThat(caughtUp(standby.get("/api/v1/export")))
                            .as("%s", standby.get("/api/v1/export"))
                            .isTrue());
            for (RemoteWriteReceiver receiver : List.of(vm, prometheus)) {
                await(receiver.name() + " holds every accepted point")
                        .atMost(Duration.ofSeconds(60))
                        .pollInterval(Duration.ofSeconds(1))
                        .until(() -> receiver.values(writer.metric(), Duration.ofHours(1))
                                        .size()
                                >= writer.accepted());
                List<Double> values = receiver.values(writer.metric(), Duration.ofHours(1));
                assertThat(values)
                        .as(receiver.name() + ": every accepted point, each once")
                        .hasSize((int) writer.accepted())
                        .doesNotHaveDuplicates();
            }
        }
    }

    private static void write(SequencedWriter writer, HubProcess edge, int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            assertThat(writer.write(edge.url(), 1000)).isTrue();
        }
    }

    /** Both targets idle with nothing pending on the (new) leader. */
    private static boolean caughtUp(JsonNode targets) {
        if (targets.size() != 2) {
            return false;
        }
        for (JsonNode t : targets) {
            if (!t.path("state").asText().equals("IDLE")
                    || t.path("pendingMessages").asLong() != 0) {
                return false;
            }
        }
        return true;
    }
}
