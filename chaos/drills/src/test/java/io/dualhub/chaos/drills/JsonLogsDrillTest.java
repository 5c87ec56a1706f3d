package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code log.format: json} on both hubs through an edge's life (writes stored, kill -9, back with its data directory
 * lost: a new buffer incarnation the hub logs): every line either hub writes is one JSON object with ts, level,
 * logger and msg; every edge line carries its edgeId, and every CentralHub line that names the edge carries its
 * edgeId too.
 */
class JsonLogsDrillTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void everyLineIsJsonAndEveryLineAboutAnEdgeCarriesItsId() throws Exception {
        String json = "log:\n  format: json\n";
        String edgeYaml = json + "heartbeat:\n  interval: 1s\ncollect:\n  enabled: false\n";
        HubProcess central = hubs.central("main", json + "fleet:\n  heartbeat-interval: 1s\n");
        CentralClient api = new CentralClient(central.url());
        HubProcess edge = hubs.edge("json-edge", edgeYaml);
        assertThat(new SequencedWriter("json").write(edge.url(), 100)).isTrue();
        await("stored")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> api.edge("json-edge").path("pointsStored").asLong() == 100);
        // the edge comes back with its data directory lost: a new buffer incarnation, which the hub logs
        edge.kill9();
        NatsFixture.deleteTree(hubs.dir().resolve("json-edge"));
        HubProcess rebuilt = hubs.edge("json-edge", edgeYaml);
        assertThat(new SequencedWriter("json-again").write(rebuilt.url(), 100)).isTrue();
        await("the new incarnation logged")
                .atMost(Duration.ofSeconds(30))
                .until(() -> lines(hubs.dir().resolve("main.log")).stream()
                        .anyMatch(l -> l.path("msg").asText().contains("started buffer incarnation")));

        List<JsonNode> edgeLines = lines(hubs.dir().resolve("json-edge.log"));
        assertThat(edgeLines)
                .isNotEmpty()
                .allSatisfy(l -> assertThat(l.path("edgeId").asText()).isEqualTo("json-edge"));
        List<JsonNode> centralLines = lines(hubs.dir().resolve("main.log"));
        assertThat(centralLines)
                .allSatisfy(l -> assertThat(l.path("instance").asText()).isEqualTo("main"));
        List<JsonNode> aboutTheEdge = centralLines.stream()
                .filter(l -> l.path("msg").asText().contains("json-edge"))
                .toList();
        assertThat(aboutTheEdge)
                .as("the incarnation line, and lifecycle transitions when seen")
                .isNotEmpty()
                .allSatisfy(l ->
                        assertThat(l.path("edgeId").asText()).as(l.toString()).isEqualTo("json-edge"));
    }

    /** Every line of the log as JSON; a line that is not JSON fails the test, naming it. */
    private static List<JsonNode> lines(Path log) throws IOException {
        List<JsonNode> parsed = new ArrayList<>();
        for (String line : Files.readAllLines(log)) {
            if (line.isBlank()) {
                continue;
            }
            JsonNode node;
            try {
                node = JSON.readTree(line);
            } catch (IOException e) {
                throw new AssertionError("not a JSON line in " + log.getFileName() + ": " + line);
            }
            assertThat(node.has("ts") && node.has("level") && node.has("logger") && node.has("msg"))
                    .as("ts, level, logger, msg in %s", line)
                    .isTrue();
            parsed.add(node);
        }
        return parsed;
    }
}
