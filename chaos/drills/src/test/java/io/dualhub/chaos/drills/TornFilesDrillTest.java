package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.TornFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edge with acknowledged batches and a backlog is killed (-9) and its files are torn as an operator or a power
 * loss would leave them. It starts again every time, and at the CentralHub every batch is accounted exactly once:
 * stored once if it survived, declared lost if not, and the new batches flow under a new incarnation.
 */
class TornFilesDrillTest {
    private static final int PER_REQUEST = 200;
    private static final String YAML = "collect:\n  enabled: false\n";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @AfterEach
    void restartNats() {
        NATS.node(0).start();
    }

    @Test
    void aLostQueueDirectoryDeclaresTheBacklogLost() throws Exception {
        Torn torn = new Torn("lost-queue");
        torn.storeRequests(10);
        NATS.node(0).stop();
        torn.write(5);
        torn.edge.kill9();
        NatsFixture.deleteTree(torn.data().resolve("queue"));
        NATS.node(0).start();

        torn.restartAndWrite(5);
        JsonNode state = torn.awaitAccounted(20);
        assertThat(state.path("batchesLost").asLong())
                .as("the backlog that was never published")
                .isEqualTo(5);
        assertThat(state.path("pointsStored").asLong()).isEqualTo(15L * PER_REQUEST);
    }

    @Test
    void aTruncatedCycleFileKeepsWhatReadsBack() throws Exception {
        Torn torn = new Torn("truncated");
        torn.storeRequests(10);
        long acknowledgedEnd = TornFiles.writtenLength(torn.cycleFile());
        NATS.node(0).stop();
        torn.write(10);
        torn.edge.kill9();
        TornFiles.truncate(torn.cycleFile(), (acknowledgedEnd + TornFiles.writtenLength(torn.cycleFile())) / 2);
        NATS.node(0).start();

        torn.restartAndWrite(5);
        JsonNode state = torn.awaitAccounted(25);
        assertThat(state.path("batchesLost").asLong())
                .as("the backlog's torn tail")
                .isBetween(1L, 9L);
    }

    @Test
    void aCheckpointPastTheTailLosesNothing() throws Exception {
        Torn torn = new Torn("checkpoint-ahead");
        torn.storeRequests(10);
        torn.edge.kill9();
        TornFiles.moveCheckpointAhead(torn.data().resolve("checkpoint"), 4, 14);

        torn.restartAndWrite(5);
        JsonNode state = torn.awaitAccounted(15);
        assertThat(state.path("batchesLost").asLong()).isZero();
        assertThat(state.path("pointsStored").asLong()).isEqualTo(15L * PER_REQUEST);
    }

    /** One edge and its hub; every request is one batch of {@link #PER_REQUEST} points with distinct values. */
    private final class Torn {
        final String id;
        final HubProcess edge;
        final CentralClient api;
        final SequencedWriter writer;
        long newFrom;
        String incarnation;

        Torn(String id) {
            this.id = id;
            this.api = new CentralClient(hubs.central("main", "").url());
            this.edge = hubs.edge(id, YAML);
            this.writer = new SequencedWriter(id.replace('-', '_'));
        }

        Path data() {
            return hubs.dir().resolve(id);
        }

        Path cycleFile() throws Exception {
            try (Stream<Path> files = Files.list(data().resolve("queue"))) {
                return files.filter(p -> p.toString().endsWith(".cq4"))
                        .findFirst()
                        .orElseThrow();
            }
        }

        void write(int requests) throws Exception {
            for (int i = 0; i < requests; i++) {
                assertThat(writer.write(edge.url(), PER_REQUEST)).isTrue();
            }
        }

        void storeRequests(int requests) throws Exception {
            write(requests);
            await().atMost(Duration.ofSeconds(30))
                    .until(() -> api.edge(id).path("pointsStored").asLong() == writer.accepted());
            incarnation = api.edge(id).path("incarnation").asText();
        }

        void restartAndWrite(int requests) throws Exception {
            edge.start();
            newFrom = writer.accepted();
            write(requests);
        }

        /**
         * Waits until all {@code batches} are stored or declared lost, then checks that the values stored are distinct
         * and include every point written after the restart.
         */
        JsonNode awaitAccounted(int batches) throws Exception {
            await("every batch stored or declared")
                    .atMost(Duration.ofMinutes(1))
                    .pollInterval(Duration.ofMillis(250))
                    .until(() -> {
                        JsonNode e = api.edge(id);
                        return e.path("pointsStored").asLong() / PER_REQUEST
                                        + e.path("batchesLost").asLong()
                                >= batches;
                    });
            JsonNode state = api.edge(id);
            assertThat(state.path("pointsStored").asLong() / PER_REQUEST
                            + state.path("batchesLost").asLong())
                    .as("stored or lost, each once")
                    .isEqualTo(batches);
            assertThat(state.path("pointsStored").asLong() % PER_REQUEST).isZero();
            List<Long> values = api.values(writer.metric(), id);
            assertThat(values)
                    .hasSize((int) state.path("pointsStored").asLong())
                    .doesNotHaveDuplicates();
            assertThat(values)
                    .as("every point written after the restart")
                    .containsAll(
                            LongStream.range(newFrom, writer.accepted()).boxed().toList());
            assertThat(state.path("incarnation").asText())
                    .as("a new incarnation")
                    .isNotEqualTo(incarnation);
            assertThat(edge.isHealthy()).isTrue();
            return state;
        }
    }
}
