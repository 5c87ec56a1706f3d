package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.dualhub.chaos.harness.FreePorts;
import io.dualhub.chaos.harness.NatsFixture;
import io.dualhub.chaos.harness.NatsServerNode;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data path on a 3-node NATS cluster with the streams at R3, under steady writes, through: kill -9 of the node
 * the edge is connected to, of the metrics stream's leader, of the JetStream meta leader, and SIGSTOP of the stream
 * leader for 15 s. Each failover time (fault to the first acknowledged batch appended after it) is printed, never
 * asserted; loss and duplicates are asserted to be zero.
 */
class ClusterFailoverDrillTest {
    private static final String EDGE = "cluster-edge";
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster();

    @TempDir
    Path dir;

    private final List<HubProcess> processes = new ArrayList<>();
    private final List<String> report = new ArrayList<>();

    @AfterEach
    void stopAll() {
        processes.forEach(HubProcess::stop);
        report.forEach(System.out::println);
    }

    @Test
    void nothingIsLostOrDuplicatedThroughNodeFaults() throws Exception {
        Path home = HubProcess.home();
        Files.writeString(dir.resolve("central.yml"), "stream:\n  replicas: 3\n");
        Files.writeString(dir.resolve("edge.yml"), "collect:\n  enabled: false\nforward:\n  publish-timeout: 1s\n");
        int centralPort = FreePorts.next();
        int edgePort = FreePorts.next();
        HubProcess central = HubProcess.central(home, "central", List.of("--config", dir.resolve("central.yml").toString(),
                "--nats", NATS.urls(), "--data", dir.resolve("central").toString(), "--port", Integer.toString(centralPort)),
                dir.resolve("central.log"), centralPort);
        processes.add(central.start());
        HubProcess edge = HubProcess.edge(home, "edge", List.of("--config", dir.resolve("edge.yml").toString(), "--id",
                EDGE, "--nats", NATS.urls(), "--data", dir.resolve("edge").toString(), "--port",
                Integer.toString(edgePort)), dir.resolve("edge.log"), edgePort);
        processes.add(edge.start());
        CentralClient api = new CentralClient(central.url());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(ClusterFailoverDrillTest::replicasCurrent);

        LineWriter writer = new LineWriter("cluster");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread load = new Thread(() -> {
            while (writing.get()) {
                try {
                    writer.write(edge.url(), 50);
                } catch (Exception e) {
                    throw new IllegalStateException(e);
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
            }
        }, "load");
        load.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ackedSeq(edge) > 10);
            fault(edge, "kill -9 of the edge's node", n -> n.clientPort() == connectedPort(edge), true);
            fault(edge, "kill -9 of the stream leader", n -> n.name().equals(leaderOfStreamInUse(edge)), true);
            fault(edge, "kill -9 of the meta leader", n -> n.name().equals(metaLeader()), true);
            fault(edge, "SIGSTOP of the stream leader for 15 s", n -> n.name().equals(leaderOfStreamInUse(edge)), false);
        } finally {
            writing.set(false);
            load.join();
        }
        await("everything accepted stored").atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(250))
                .until(() -> api.edge(EDGE).path("pointsStored").asLong() >= writer.accepted());
        List<Long> values = api.values(writer.metric(), EDGE);
        report.add(String.format("cluster drill: accepted %d, stored %d, distinct %d", writer.accepted(), values.size(),
                values.stream().distinct().count()));
        assertThat(values).hasSize((int) writer.accepted()).doesNotHaveDuplicates();
    }

    /** Injects one fault on the node the selector picks, measures the failover, then heals the node. */
    private void fault(HubProcess edge, String name, Selector selector, boolean kill) throws Exception {
        NatsServerNode node = NATS.nodes().stream().filter(selector::safeTest).findFirst().orElseThrow();
        String streamBefore = health(edge).path("stream").asText();
        String leaderBefore = streamInfo(streamBefore).getClusterInfo().getLeader();
        long start = System.nanoTime();
        if (kill) {
            node.kill();
        } else {
            node.pause();
        }
        // Only a batch appended once the fault is in place proves a path that survived it.
        long appendedAtFault = health(edge).path("lastSeq").asLong();
        await(name + ": a batch appended after the fault acknowledged").atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10)).ignoreExceptions()
                .until(() -> ackedSeq(edge) > appendedAtFault);
        long failoverMs = (System.nanoTime() - start) / 1_000_000;
        report.add(String.format("%-40s node %s: failover %5d ms (edge on %s led by %s, then on %s)", name,
                node.name(), failoverMs, streamBefore, leaderBefore, health(edge).path("stream").asText()));
        if (kill) {
            node.start();
        } else {
            // the fault lasts 15 s by definition of the scenario; this is its duration, not a wait for a condition
            LockSupport.parkNanos(Duration.ofSeconds(15).toNanos());
            node.resume();
        }
        await(name + ": replicas current and stream leaders apart again").atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .ignoreExceptions().until(ClusterFailoverDrillTest::replicasCurrent);
    }

    /** Picks a node; may consult the cluster. */
    private interface Selector {
        boolean test(NatsServerNode node) throws Exception;

        default boolean safeTest(NatsServerNode node) {
            try {
                return test(node);
            } catch (Exception e) {
                return false;
            }
        }
    }

    private static StreamInfo streamInfo(String stream) throws Exception {
        Options o = Options.builder().servers(NATS.urls().split(",")).connectionTimeout(Duration.ofSeconds(2)).build();
        try (Connection c = Nats.connect(o)) {
            return c.jetStreamManagement().getStreamInfo(stream);
        }
    }

    /** The node leading the stream the edge publishes to right now: the leader whose death matters to it. */
    private static String leaderOfStreamInUse(HubProcess edge) throws Exception {
        return streamInfo(health(edge).path("stream").asText()).getClusterInfo().getLeader();
    }

    /**
     * The steady state the CentralHub keeps: every replica of both metrics streams current, and the two streams led
     * from different nodes (its leader placement moves them apart after a failure).
     */
    private static boolean replicasCurrent() throws Exception {
        if (Objects.equals(streamInfo("DUALHUB_METRICS").getClusterInfo().getLeader(),
                streamInfo("DUALHUB_METRICS_B").getClusterInfo().getLeader())) {
            return false;
        }
        for (String stream : List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B")) {
            StreamInfo info = streamInfo(stream);
            List<Replica> replicas = info.getClusterInfo().getReplicas();
            if (info.getClusterInfo().getLeader() == null || replicas == null || replicas.size() != 2
                    || !replicas.stream().allMatch(r -> r.isCurrent() && !r.isOffline())) {
                return false;
            }
        }
        return true;
    }

    private static String metaLeader() throws Exception {
        for (NatsServerNode n : NATS.nodes()) {
            JsonNode jsz = get("http://127.0.0.1:" + n.monitorPort() + "/jsz");
            String leader = jsz.path("meta_cluster").path("leader").asText("");
            if (!leader.isEmpty()) {
                return leader;
            }
        }
        throw new IllegalStateException("no meta leader");
    }

    private static JsonNode health(HubProcess edge) throws Exception {
        return get(edge.url() + "/health").path("details").path("edge").path("details");
    }

    private static long ackedSeq(HubProcess edge) throws Exception {
        return health(edge).path("ackedSeq").asLong();
    }

    private static int connectedPort(HubProcess edge) throws Exception {
        return URI.create(health(edge).path("natsServer").asText()).getPort();
    }

    private static JsonNode get(String url) throws Exception {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(2)).build();
        return JSON.readTree(HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }
}
