package io.dualhub.chaos.harness;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
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
    private final List<NatsServerNode> nodes = new ArrayList<>();
    private Path root;

    private NatsFixture(int size) {
        this.size = size;
    }

    public static NatsFixture single() {
        return new NatsFixture(1);
    }

    public static NatsFixture cluster() {
        return new NatsFixture(3);
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
            int own = size > 1 ? clusterPorts.get(i) : 0;
            List<Integer> routes = clusterPorts.stream().filter(p -> p != own).toList();
            nodes.add(new NatsServerNode("n" + (i + 1), root.resolve("n" + (i + 1)), own, routes));
        }
        startAll();
    }

    /** Starts every node that is not running, all at once, and waits until each is ready. */
    public void startAll() {
        nodes.forEach(NatsServerNode::launch);
        nodes.forEach(NatsServerNode::awaitReady);
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
