package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.FaultProxy;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.NatsServerNode;
import io.dualhub.testkit.SequencedWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The data path on a 3-node NATS cluster with the streams at R3, under steady writes, the edge reaching each node
 * through a fault proxy, through: kill -9 of the node the edge is connected to, of the stream leader the edge
 * publishes to, of the JetStream meta leader; SIGSTOP of that stream leader for 15 s; a blackholed link between
 * the edge and its node (open, silent); and the whole cluster down for 60 s. Each failover time (fault to the first
 * acknowledged batch appended after it) is printed, never asserted; loss and duplicates are asserted to be zero.
 */
class ClusterFailoverDrillTest {
    private static final String EDGE = "cluster-edge";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    private final ClusterProbe probe = new ClusterProbe(NATS);
    private final List<String> report = new ArrayList<>();
    private final List<FaultProxy> proxies = new ArrayList<>();

    @AfterEach
    void closeProxiesAndReport() {
        proxies.forEach(FaultProxy::close);
        report.forEach(System.out::println);
    }

    @Test
    void nothingIsLostOrDuplicatedThroughNodeFaults() throws Exception {
        for (NatsServerNode n : NATS.nodes()) {
            proxies.add(new FaultProxy(n.clientPort()));
        }
        String proxied = String.join(",", proxies.stream().map(FaultProxy::url).toList());
        HubProcess central = hubs.central("main", "stream:\n  replicas: 3\n");
        HubProcess edge = hubs.edge(
                EDGE,
                "collect:\n  enabled: false\nnats:\n  discover-servers: false\n",
                proxied,
                hubs.dir().resolve(EDGE));
        CentralClient api = new CentralClient(central.url());
        await().atMost(Duration.ofSeconds(30)).ignoreExceptions().until(probe::replicasCurrent);

        SequencedWriter writer = new SequencedWriter("cluster");
        AtomicBoolean writing = new AtomicBoolean(true);
        Thread load = new Thread(
                () -> {
                    while (writing.get()) {
                        try {
                            writer.write(edge.url(), 50);
                        } catch (Exception e) {
                            throw new IllegalStateException(e);
                        }
                        LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
                    }
                },
                "load");
        load.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> ackedSeq(edge) > 10);
            fault(edge, "kill -9 of the edge's node", n -> n == nodeOf(edge), true);
            fault(edge, "kill -9 of the stream leader", n -> n.name().equals(leaderOfStreamInUse(edge)), true);
            fault(edge, "kill -9 of the meta leader", n -> n.name().equals(probe.metaLeader()), true);
            fault(
                    edge,
                    "SIGSTOP of the stream leader for 15 s",
                    n -> n.name().equals(leaderOfStreamInUse(edge)),
                    false);
            blackhole(edge);
            wholeClusterDown(edge);
        } finally {
            writing.set(false);
            load.join();
        }
        await("everything accepted stored")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> api.edge(EDGE).path("pointsStored").asLong() >= writer.accepted());
        List<Long> values = api.values(writer.metric(), EDGE);
        report.add(String.format(
                "cluster drill: accepted %d, stored %d, distinct %d",
                writer.accepted(), values.size(), values.stream().distinct().count()));
        assertThat(values).hasSize((int) writer.accepted()).doesNotHaveDuplicates();
    }

    /** Injects one fault on the node the selector picks, measures the failover, then heals the node. */
    private void fault(HubProcess edge, String name, Selector selector, boolean kill) throws Exception {
        NatsServerNode node =
                NATS.nodes().stream().filter(selector::safeTest).findFirst().orElseThrow();
        String streamBefore = health(edge).path("stream").asText();
        String leaderBefore = probe.leaderOf(streamBefore);
        long start = System.nanoTime();
        if (kill) {
            node.kill();
        } else {
            node.pause();
        }
        // Only a batch appended once the fault is in place proves a path that survived it.
        long appendedAtFault = health(edge).path("lastSeq").asLong();
        await(name + ": a batch appended after the fault acknowledged")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .ignoreExceptions()
                .until(() -> ackedSeq(edge) > appendedAtFault);
        long failoverMs = (System.nanoTime() - start) / 1_000_000;
        report.add(String.format(
                "%-40s node %s: failover %5d ms (edge on %s led by %s, then on %s)",
                name,
                node.name(),
                failoverMs,
                streamBefore,
                leaderBefore,
                health(edge).path("stream").asText()));
        if (kill) {
            node.start();
        } else {
            // the fault lasts 15 s by definition of the scenario; this is its duration, not a wait for a condition
            LockSupport.parkNanos(Duration.ofSeconds(15).toNanos());
            node.resume();
        }
        await(name + ": replicas current and stream leaders apart again")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(probe::replicasCurrent);
    }

    /** Silences the link between the edge and its node (both directions, connection left open) for 15 s. */
    private void blackhole(HubProcess edge) throws Exception {
        FaultProxy link = proxyOf(edge);
        long start = System.nanoTime();
        link.blackhole();
        long appendedAtFault = health(edge).path("lastSeq").asLong();
        await("blackhole: a batch appended after it acknowledged")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(10))
                .ignoreExceptions()
                .until(() -> ackedSeq(edge) > appendedAtFault);
        report.add(String.format(
                "%-40s link %d: failover %5d ms (edge now on %s)",
                "blackholed edge link",
                link.port(),
                (System.nanoTime() - start) / 1_000_000,
                health(edge).path("natsServer").asText()));
        LockSupport.parkNanos(Duration.ofSeconds(15).toNanos());
        link.heal();
    }

    /** Stops every node for 60 s while the edge keeps accepting; then measures how soon new batches are acked. */
    private void wholeClusterDown(HubProcess edge) throws Exception {
        NATS.nodes().forEach(NatsServerNode::kill);
        // the outage lasts 60 s by definition of the scenario
        LockSupport.parkNanos(Duration.ofSeconds(60).toNanos());
        long backlog = health(edge).path("backlog").asLong();
        long start = System.nanoTime();
        NATS.startAll();
        long appendedAtRestart = health(edge).path("lastSeq").asLong();
        await("cluster back: the backlog acknowledged")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> ackedSeq(edge) > appendedAtRestart);
        report.add(String.format(
                "%-40s backlog %d batches acknowledged %5d ms after the cluster restarted",
                "whole cluster down for 60 s", backlog, (System.nanoTime() - start) / 1_000_000));
        await("replicas current and stream leaders apart again")
                .atMost(Duration.ofSeconds(90))
                .pollInterval(Duration.ofMillis(200))
                .ignoreExceptions()
                .until(probe::replicasCurrent);
    }

    /** The proxy the edge is connected through. */
    private FaultProxy proxyOf(HubProcess edge) throws Exception {
        int port = connectedPort(edge);
        return proxies.stream().filter(p -> p.port() == port).findFirst().orElseThrow();
    }

    /** The node behind the proxy the edge is connected through. */
    private NatsServerNode nodeOf(HubProcess edge) throws Exception {
        return NATS.nodes().get(proxies.indexOf(proxyOf(edge)));
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

    /** The node leading the stream the edge publishes to right now: the leader whose death matters to it. */
    private String leaderOfStreamInUse(HubProcess edge) throws Exception {
        return probe.leaderOf(health(edge).path("stream").asText());
    }

    private static JsonNode health(HubProcess edge) throws Exception {
        return edge.edgeStatus();
    }

    private static long ackedSeq(HubProcess edge) throws Exception {
        return health(edge).path("ackedSeq").asLong();
    }

    private static int connectedPort(HubProcess edge) throws Exception {
        return URI.create(health(edge).path("natsServer").asText()).getPort();
    }
}
