package io.dualhub.chaos.run;

import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.FaultProxy;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.NatsServerNode;
import io.dualhub.testkit.NetworkLab;
import io.dualhub.testkit.RemoteWriteReceiver;
import io.dualhub.testkit.SmallDisk;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.awaitility.core.ConditionTimeoutException;

/**
 * The drill topology, all real processes: a 3-node NATS cluster with the streams at R3, two CentralHubs and N edge
 * agents, each edge reaching every node through its own fault proxy. As root, each node runs in its own network
 * namespace (so its network can be cut), and the last edge's buffer and the second CentralHub's store live on small
 * tmpfs mounts so disk-full scenarios can fill them for real.
 */
final class Topology implements AutoCloseable {
    private static final String EDGE_YAML = "collect:\n  enabled: false\nnats:\n  discover-servers: false\n";
    private static final String SCRAPE_YAML = "scrape:\n  files: [%s]\n  files-refresh: 1s\n";
    private static final String CENTRAL_YAML = "stream:\n  replicas: 3\n";
    private static final String EXPORT_YAML = "export:\n  remote-write:\n    urls: %s\n";
    private static final Duration SETTLE = Duration.ofMinutes(2);
    /** How long a replica may stay behind after a fault before restore restarts its node. */
    private static final Duration REPLICA_CATCH_UP = Duration.ofMinutes(1);

    private final Path dir;
    private final NetworkLab lab = NetworkLab.create(3);
    private final NatsFixture nats = lab == null ? NatsFixture.cluster() : NatsFixture.cluster(lab);
    private final ClusterProbe probe = new ClusterProbe(nats);
    private final List<HubProcess> centrals = new ArrayList<>();
    private final List<CentralClient> clients = new ArrayList<>();
    private final List<ChaosEdge> edges = new ArrayList<>();
    private final List<Path> mounts = new ArrayList<>();
    private final List<String> replicaRestarts = new ArrayList<>();
    // stream -> each node's shortfall as a rebuild left it; used by the restoring thread only
    private final Map<String, Map<String, Long>> leftDiverging = new HashMap<>();
    private final Consumer<String> progress;
    private Hubs hubs;
    private RemoteWriteReceiver receiver; // null where VictoriaMetrics is not installed
    private Path edgeDisk;
    private Path storeDisk;

    private Topology(Path dir, Consumer<String> progress) {
        this.dir = dir;
        this.progress = progress;
    }

    /** What a run does with the topology while it stands. */
    @FunctionalInterface
    interface Work<T> {
        T on(Topology topology) throws Exception;
    }

    /**
     * Starts the topology in {@code dir} (every hub on the heap its installers give its role when
     * {@code installedHeaps}), runs {@code work} on it and closes it, also when the JVM is stopped meanwhile (Ctrl-C).
     */
    static <T> T during(Path dir, int edgeCount, boolean installedHeaps, Consumer<String> progress, Work<T> work)
            throws Exception {
        Topology topology = start(dir, edgeCount, installedHeaps, progress);
        Thread cleanup = new Thread(topology::close, "topology-cleanup");
        Runtime.getRuntime().addShutdownHook(cleanup);
        try {
            return work.on(topology);
        } finally {
            topology.close();
            Runtime.getRuntime().removeShutdownHook(cleanup);
        }
    }

    /** After a run: its working directory removed when it passed, else kept with every process's log and named. */
    static void keepLogsIfFailed(Path dir, boolean passed) {
        if (passed) {
            NatsFixture.deleteTree(dir);
        } else {
            System.out.println("logs kept in " + dir);
        }
    }

    /** Starts the cluster, the CentralHubs and the edges, and waits for the steady state. */
    private static Topology start(Path dir, int edgeCount, boolean installedHeaps, Consumer<String> progress) {
        Topology t = new Topology(dir, progress);
        try {
            t.startAll(edgeCount, installedHeaps);
            return t;
        } catch (RuntimeException e) {
            t.close();
            throw e;
        }
    }

    private void startAll(int edgeCount, boolean installedHeaps) {
        nats.start();
        hubs = new Hubs(dir, nats.urls());
        if (installedHeaps) {
            hubs.withInstalledHeaps();
        }
        progress.accept("NATS cluster up: " + nats.urls()
                + (lab == null
                        ? " (on loopback: network namespaces need root)"
                        : " (each node in its own network namespace)"));
        storeDisk = smallDisk("store-disk", 1024);
        edgeDisk = smallDisk("edge-disk", 64);
        String centralYaml = CENTRAL_YAML;
        if (RemoteWriteReceiver.missing().isEmpty()) {
            receiver = RemoteWriteReceiver.victoriaMetrics(dir.resolve("victoria-metrics"));
            centralYaml += EXPORT_YAML.formatted(receiver.writeUrl());
            progress.accept("VictoriaMetrics up, receiving the leader's export: " + receiver.writeUrl());
        } else {
            progress.accept("no export: " + RemoteWriteReceiver.missing().get());
        }
        centrals.add(hubs.central("central-1", centralYaml));
        centrals.add(hubs.central(
                "central-2",
                centralYaml,
                storeDisk == null ? dir.resolve("central-2") : storeDisk.resolve("central-2")));
        centrals.forEach(c -> clients.add(new CentralClient(c.url())));
        progress.accept("CentralHubs up: "
                + String.join(", ", centrals.stream().map(HubProcess::url).toList()));
        for (int i = 1; i <= edgeCount; i++) {
            boolean onSmallDisk = i == edgeCount && edgeDisk != null;
            edges.add(startEdge("edge-" + i, onSmallDisk));
        }
        progress.accept(edgeCount + " edges up"
                + (edgeDisk == null ? "" : ", edge-" + edgeCount + "'s buffer on a 64 MiB tmpfs"));
        restore();
    }

    private ChaosEdge startEdge(String id, boolean onSmallDisk) {
        List<FaultProxy> links = nats.nodes().stream()
                .map(n -> new FaultProxy(n.host(), n.clientPort()))
                .toList();
        String servers = String.join(",", links.stream().map(FaultProxy::url).toList());
        Path scrapeTargets = dir.resolve(id + "-scrape-targets.yml");
        String yaml = EDGE_YAML
                + SCRAPE_YAML.formatted(scrapeTargets)
                + (onSmallDisk ? "buffer:\n  min-free-disk: 8MiB\n" : "");
        Path data = onSmallDisk ? edgeDisk.resolve(id) : dir.resolve(id);
        return new ChaosEdge(id, hubs.edge(id, yaml, servers, data), links, scrapeTargets);
    }

    /** Mounts a tmpfs of the given size; null when this process may not mount (not root). */
    private Path smallDisk(String name, int mib) {
        Path mount = dir.resolve(name);
        try {
            Files.createDirectories(mount);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (!SmallDisk.mount(mount, mib)) {
            return null;
        }
        mounts.add(mount);
        return mount;
    }

    /**
     * Brings every part back to the steady state whatever a scenario left: nodes running, links healed, hubs
     * running, every replica current with the stream leaders apart, every edge's backlog forwarded, and every
     * node's replica of the metrics streams the same.
     */
    void restore() {
        startNodes();
        if (receiver != null) {
            receiver.start();
        }
        edges.forEach(ChaosEdge::healLinks);
        centrals.forEach(HubProcess::start);
        edges.forEach(e -> e.process().start());
        mendLaggingReplicas();
        settle("every replica current, stream leaders apart", probe::replicasCurrent);
        settle("every edge's backlog forwarded", this::backlogsForwarded);
        if (rebuildDivergentReplicas()) {
            mendLaggingReplicas();
            settle("every replica current after the rebuild, stream leaders apart", probe::replicasCurrent);
            if (!within(SETTLE, this::replicasAgree)) {
                leaveDiverging();
            }
        }
    }

    /**
     * Keeps the replicas' states a rebuild did not make the same (seen once after cluster-down: n1 held 2,099
     * messages of the secondary stream, n2 and n3 2,231, and n1 came back from the rebuild with 2,099 again), so the
     * scenarios that follow start without another rebuild of the same. The data path is not touched: every scenario
     * counts the hubs' stores and the receiver, and its own replica check still reports any divergence.
     */
    private void leaveDiverging() {
        for (String stream : ClusterProbe.METRICS_STREAMS) {
            Map<String, ClusterProbe.ReplicaState> states = probe.replicaStates(stream);
            if (!ClusterProbe.agree(states)) {
                leftDiverging.put(stream, shortfalls(states));
                report("replicas of " + stream + " still differ after the rebuild (" + states.values()
                        + "): left so; later scenarios start from them");
            }
        }
    }

    /** Every node up and ready; a node that runs but stays unhealthy is mended (NatsFixture.startAllMending). */
    private void startNodes() {
        nats.startAllMending(NatsServerNode.READY_WITHIN).forEach(this::report);
    }

    private static void settle(String what, Callable<Boolean> condition) {
        await(what)
                .atMost(SETTLE)
                .pollInterval(Duration.ofMillis(250))
                .ignoreExceptions()
                .until(condition);
    }

    private static boolean within(Duration limit, Callable<Boolean> condition) {
        try {
            await().atMost(limit)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(condition);
            return true;
        } catch (ConditionTimeoutException e) {
            return false;
        }
    }

    private boolean backlogsForwarded() throws Exception {
        for (ChaosEdge e : edges) {
            if (e.backlog() > 0) {
                return false;
            }
        }
        return true;
    }

    private boolean replicasAgree() {
        return ClusterProbe.METRICS_STREAMS.stream().allMatch(s -> ClusterProbe.agree(probe.replicaStates(s)));
    }

    /** Every metrics stream's replicas agree, or are as a rebuild left them ({@link #leaveDiverging}). */
    private boolean replicasAgreeOrLeft() {
        return ClusterProbe.METRICS_STREAMS.stream().allMatch(s -> {
            Map<String, ClusterProbe.ReplicaState> states = probe.replicaStates(s);
            return ClusterProbe.agree(states) || shortfalls(states).equals(leftDiverging.get(s));
        });
    }

    /** How many messages each node's replica holds fewer than the fullest one: the divergence, whatever came since. */
    private static Map<String, Long> shortfalls(Map<String, ClusterProbe.ReplicaState> states) {
        long most = states.values().stream()
                .mapToLong(ClusterProbe.ReplicaState::messages)
                .max()
                .orElse(0);
        Map<String, Long> shortfalls = new TreeMap<>();
        states.forEach((node, state) -> shortfalls.put(node, most - state.messages()));
        return shortfalls;
    }

    /**
     * A replica still different from the other two a minute after the backlogs drained: nats-server 2.9.10 can leave
     * a node with one message more than its peers after a leader change and still mark it current (the 1-hour soak:
     * 4226 messages on n3, 4225 on n1 and n2), which neither time nor a restart mends. That node is rebuilt from its
     * peers ({@link NatsServerNode#rebuild}); without a majority to rebuild it from, nothing is touched and the
     * scenario's replica check reports the divergence. Every rebuild is kept for the report. True when it rebuilt.
     */
    private boolean rebuildDivergentReplicas() {
        if (within(REPLICA_CATCH_UP, this::replicasAgreeOrLeft)) {
            return false;
        }
        Map<String, String> odd = new TreeMap<>(); // node -> what differed
        for (String stream : ClusterProbe.METRICS_STREAMS) {
            Map<String, ClusterProbe.ReplicaState> states = probe.replicaStates(stream);
            ClusterProbe.oddOneOut(states)
                    .ifPresent(node -> odd.merge(node, stream + " " + states.values(), (a, b) -> a + "; " + b));
        }
        for (NatsServerNode node : nats.nodes()) {
            if (odd.containsKey(node.name())) {
                report("replica on " + node.name() + " still differs from its peers "
                        + REPLICA_CATCH_UP.toSeconds() + " s after the backlogs drained (" + odd.get(node.name())
                        + "): node rebuilt from its peers");
                node.rebuild();
            }
        }
        return !odd.isEmpty();
    }

    /**
     * What an operator does, step by step, for a replica nats-server 2.9 leaves behind for good after some leader
     * changes: first restart its node, which then catches up from the stream's leader (the soak: 118 messages behind
     * an hour after a paused leader, marked not current); when it is still behind a minute later, rebuild that node
     * from its peers (a clean-clone CI run: after cluster-down and a rebuild of n2, n3 stayed not current through
     * eleven restarts, one per scenario, and every later scenario failed waiting for it). A rebuild needs the other
     * two replicas current, so it is done only when one node alone lags. Every step is kept for the report; the data
     * path is not touched.
     */
    private void mendLaggingReplicas() {
        if (within(REPLICA_CATCH_UP, probe::replicasCurrent)) {
            return;
        }
        List<String> lagging = laggingReplicas();
        for (NatsServerNode node : nats.nodes()) {
            if (lagging.contains(node.name())) {
                report("replica on " + node.name() + " still behind " + REPLICA_CATCH_UP.toSeconds()
                        + " s after the fault: node restarted");
                node.stop();
                node.start();
            }
        }
        if (lagging.isEmpty() || within(REPLICA_CATCH_UP, probe::replicasCurrent)) {
            return;
        }
        List<String> stillLagging = laggingReplicas();
        for (NatsServerNode node : nats.nodes()) {
            if (stillLagging.equals(List.of(node.name()))) {
                report("replica on " + node.name() + " still behind " + REPLICA_CATCH_UP.toSeconds()
                        + " s after its restart: node rebuilt from its peers");
                node.rebuild();
            }
        }
    }

    /** The nodes whose replica the streams' leaders report as behind; none while the cluster does not answer. */
    private List<String> laggingReplicas() {
        try {
            return probe.laggingReplicas();
        } catch (Exception e) {
            return List.of(); // the wait that follows says so
        }
    }

    private void report(String line) {
        progress.accept(line);
        replicaRestarts.add(line);
    }

    /** The NATS nodes restore had to restart or rebuild because their replica did not mend by itself, in order. */
    List<String> replicaRestarts() {
        return List.copyOf(replicaRestarts);
    }

    NatsFixture nats() {
        return nats;
    }

    ClusterProbe probe() {
        return probe;
    }

    List<HubProcess> centrals() {
        return centrals;
    }

    List<ChaosEdge> edges() {
        return edges;
    }

    /** API clients of the CentralHubs, in the order of {@link #centrals()}; a restarted hub keeps its port. */
    List<CentralClient> clients() {
        return clients;
    }

    /** The VictoriaMetrics the leader exports to, or null where it is not installed. */
    RemoteWriteReceiver receiver() {
        return receiver;
    }

    /** The tmpfs under the last edge's buffer, or null when not root. */
    Path edgeDisk() {
        return edgeDisk;
    }

    /** The tmpfs under central-2's store, or null when not root. */
    Path storeDisk() {
        return storeDisk;
    }

    @Override
    public void close() {
        if (hubs != null) {
            hubs.close();
        }
        edges.forEach(e -> e.links().forEach(FaultProxy::close));
        nats.close();
        if (receiver != null) {
            receiver.close();
        }
        if (lab != null) {
            lab.close();
        }
        mounts.forEach(SmallDisk::unmount);
    }
}
