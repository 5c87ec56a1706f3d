package io.dualhub.bench;

import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.NatsServerNode;
import io.nats.client.Connection;
import io.nats.client.ErrorListener;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.Options;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What the stages run on: one nats-server (file store) in a temp folder, and CentralHubs and edge agents started
 * from the built jars as the processes users run, each with its own log under {@link #dir()}.
 */
final class Topology implements AutoCloseable {
    static final String EDGE_YAML = "collect:\n  enabled: false\n";
    private final Path dir;
    private final NatsFixture nats = NatsFixture.single();
    private final Hubs hubs;
    private Connection connection;
    private boolean done;

    Topology() throws Exception {
        dir = Files.createTempDirectory("dualhub-bench-");
        nats.start();
        hubs = new Hubs(dir, nats.urls());
    }

    Path dir() {
        return dir;
    }

    String natsUrls() {
        return nats.urls();
    }

    NatsServerNode node() {
        return nats.node(0);
    }

    /** A plain connection for the references and stream statistics (reconnects after the node restarts). */
    Connection nats() throws Exception {
        if (connection == null) {
            connection = Nats.connect(new Options.Builder()
                    .server(nats.urls())
                    .maxReconnects(-1)
                    .errorListener(new ErrorListener() {})
                    .build()); // the stages stop the server on purpose
        }
        return connection;
    }

    HubProcess central(String instance) {
        return central(instance, "");
    }

    HubProcess central(String instance, String yaml) {
        return hubs.central(instance, yaml);
    }

    HubProcess edge(String id, String yaml) {
        return hubs.edge(id, yaml);
    }

    HubProcess edge(String id, String yaml, List<String> heap) {
        return hubs.edge(id, yaml, heap);
    }

    /**
     * Waits until the CentralHub has stored {@code points} in all; returns its store rate in points/s, counted from
     * the first time it was seen storing (so its start-up is not counted).
     */
    static double storeRate(CentralClient central, long points) {
        long[] first = {0, 0};
        await("stored " + points)
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> {
                    long stored = central.pointsStored();
                    if (stored > 0 && first[0] == 0) {
                        first[0] = System.nanoTime();
                        first[1] = stored;
                    }
                    return stored >= points;
                });
        return (points - first[1]) / ((System.nanoTime() - first[0]) / 1e9);
    }

    /** Waits until the CentralHub has stored {@code points} in all; no rate. */
    static void stored(CentralClient central, long points) {
        await("stored " + points)
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> central.pointsStored() >= points);
    }

    /** Waits until a CentralHub has set up both metrics streams and its consumers on them. */
    void streamsReady(String instance) {
        await("streams of " + instance)
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> {
                    JetStreamManagement jsm = nats().jetStreamManagement();
                    return jsm.getConsumerNames("DUALHUB_METRICS").contains("central-" + instance)
                            && jsm.getConsumerNames("DUALHUB_METRICS_B").contains("central-" + instance);
                });
    }

    /** Waits until the edge has forwarded everything it holds. */
    static void drained(HubProcess edge) {
        await(edge.name() + " drained")
                .atMost(Duration.ofMinutes(10))
                .pollInterval(Duration.ofMillis(20))
                .ignoreExceptions()
                .until(() -> edge.edgeStatus().path("backlog").asLong() == 0);
    }

    /** Waits until the edge reports its NATS connection up. */
    static void connected(HubProcess edge) {
        await(edge.name() + " connected")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(10))
                .ignoreExceptions()
                .until(() -> edge.edgeStatus().path("nats").asText().equals("CONNECTED"));
    }

    /** Marks the stage finished: closing then removes the folder; after a failure it is kept for its logs. */
    void done() {
        done = true;
    }

    @Override
    public void close() throws Exception {
        if (connection != null) {
            connection.close();
        }
        hubs.close();
        nats.close();
        if (done) {
            NatsFixture.deleteTree(dir);
        } else {
            System.err.println("dualhub bench: logs kept in " + dir);
        }
    }
}
