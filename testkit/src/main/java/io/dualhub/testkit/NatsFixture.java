package io.dualhub.testkit;

import io.dualhub.common.nats.NatsSettings;
import io.nats.client.Connection;
import io.nats.client.JetStreamApiException;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The shared JUnit fixture: real nats-server processes with JetStream, a single node or a 3-node cluster, on free
 * loopback ports with a fresh store each, started before a test class and torn down after it. Register it with
 * {@code @RegisterExtension static final NatsFixture NATS = NatsFixture.single();}.
 */
public final class NatsFixture implements BeforeAllCallback, AfterAllCallback {
    private final int size;
    private final NetworkLab lab;
    private final List<String> serverArgs;
    private final List<NatsServerNode> nodes = new ArrayList<>();
    private Path root;

    private NatsFixture(int size, NetworkLab lab, List<String> serverArgs) {
        this.size = size;
        this.lab = lab;
        this.serverArgs = List.copyOf(serverArgs);
    }

    public static NatsFixture single() {
        return new NatsFixture(1, null, List.of());
    }

    /** One node started with further nats-server flags, such as {@code --user u --pass p} or {@code --auth t}. */
    public static NatsFixture single(String... serverArgs) {
        return new NatsFixture(1, null, List.of(serverArgs));
    }

    public static NatsFixture cluster() {
        return new NatsFixture(3, null, List.of());
    }

    /** A 3-node cluster on loopback started with further nats-server flags, such as {@code -c file.conf}. */
    public static NatsFixture cluster(String... serverArgs) {
        return new NatsFixture(3, null, List.of(serverArgs));
    }

    /** A 3-node cluster whose nodes run in the lab's network namespaces, so their network can be cut. */
    public static NatsFixture cluster(NetworkLab lab) {
        return new NatsFixture(3, lab, List.of());
    }

    /** The network namespaces the nodes run in, or null when they run on loopback. */
    public NetworkLab lab() {
        return lab;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        start();
    }

    @Override
    public void afterAll(ExtensionContext context) {
        close();
    }

    public void start() {
        try {
            root = Files.createTempDirectory("dualhub-nats-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Integer> clusterPorts = new ArrayList<>();
        for (int i = 0; i < size && size > 1; i++) {
            clusterPorts.add(FreePorts.next());
        }
        for (int i = 0; i < size; i++) {
            List<String> routes = new ArrayList<>();
            for (int j = 0; j < clusterPorts.size(); j++) {
                if (j != i) {
                    routes.add("nats://" + host(j) + ":" + clusterPorts.get(j));
                }
            }
            nodes.add(new NatsServerNode(
                    "n" + (i + 1),
                    root.resolve("n" + (i + 1)),
                    host(i),
                    lab == null ? List.of() : lab.exec(i),
                    size > 1 ? clusterPorts.get(i) : 0,
                    routes,
                    serverArgs));
        }
        startAll();
    }

    /** Starts every node that is not running, all at once, and waits until each is ready. */
    public void startAll() {
        startAll(NatsServerNode.READY_WITHIN);
    }

    private void startAll(Duration patience) {
        nodes.forEach(NatsServerNode::launch);
        nodes.forEach(n -> n.awaitReady(patience));
    }

    /**
     * {@link #startAll()}, then what an operator does for a node that runs but does not pass its health check within
     * {@code patience} (nats-server 2.9.10 once kept a node unhealthy for good after a 6 s SIGSTOP under load):
     * restart it, and rebuild it from its peers when a restart does not mend it. One node at a time, the most stuck
     * first (its monitor does not answer at all), since a stuck node can keep its peers' health checks failing too;
     * after each, all are awaited again. Returns a line per node mended.
     */
    public List<String> startAllMending(Duration patience) {
        List<String> mended = new ArrayList<>();
        for (int attempt = 0; ; attempt++) {
            try {
                startAll(patience);
                return mended;
            } catch (ConditionTimeoutException e) {
                if (attempt == nodes.size()) {
                    throw e; // every node had its turn
                }
            }
            Optional<NatsServerNode> stuck = mostStuck();
            if (stuck.isEmpty()) {
                continue; // ready by now: the next wait passes
            }
            NatsServerNode node = stuck.get();
            String line = "node " + node.name() + " not ready " + patience.toSeconds() + " s after the fault: ";
            try {
                node.restart();
                line += "restarted";
            } catch (ConditionTimeoutException e) {
                node.rebuild();
                line += "restarted, still not ready: rebuilt from its peers";
            }
            mended.add(line);
        }
    }

    /** A node whose monitor does not answer at all, else one whose health check fails; none when all are ready. */
    private Optional<NatsServerNode> mostStuck() {
        Optional<NatsServerNode> hung = nodes.stream().filter(n -> !n.answers()).findFirst();
        return hung.isPresent()
                ? hung
                : nodes.stream().filter(n -> !n.isReady()).findFirst();
    }

    private String host(int i) {
        return lab == null ? "127.0.0.1" : lab.host(i);
    }

    public void close() {
        nodes.forEach(NatsServerNode::kill);
        nodes.clear();
        deleteTree(root);
    }

    public List<NatsServerNode> nodes() {
        return List.copyOf(nodes);
    }

    public NatsServerNode node(int index) {
        return nodes.get(index);
    }

    /** Every node's client URL, comma separated, as the hubs' {@code nats.servers} takes it. */
    public String urls() {
        return String.join(",", nodes.stream().map(NatsServerNode::url).toList());
    }

    /**
     * Client settings for these servers that notice a stopped server within a second or two and try again every
     * 100 ms: what tests that stop, restart or pause a server use, so a reconnect does not outlast their waits.
     */
    public NatsSettings quickSettings() {
        return NatsSettings.custom(nodes.stream().map(NatsServerNode::url).toList())
                .connectTimeout(Duration.ofSeconds(1))
                .pingInterval(Duration.ofMillis(500))
                .reconnectWait(Duration.ofMillis(100))
                .build();
    }

    /**
     * Deletes every stream (and so every consumer) on the servers: for the tests of a class that share the servers
     * but must each start from empty streams, since a message one test left would be read by the next one's consumer.
     */
    public void deleteStreams() {
        try (Connection c = Nats.connect(urls())) {
            deleteStreams(c);
        } catch (IOException e) {
            throw new IllegalStateException("cannot delete the streams on " + urls() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted deleting the streams", e);
        }
    }

    /** Deletes every stream the connection's account has (for servers that need a user). */
    public static void deleteStreams(Connection c) throws IOException {
        try {
            JetStreamManagement jsm = c.jetStreamManagement();
            for (String stream : jsm.getStreamNames()) {
                jsm.deleteStream(stream);
            }
        } catch (JetStreamApiException e) {
            throw new IOException("cannot delete the streams: " + e.getMessage(), e);
        }
    }

    /** Deletes a directory and everything in it; nothing when it does not exist. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(dir)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
