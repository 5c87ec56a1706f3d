package io.dualhub.testkit;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Network namespaces for NATS nodes, so a node's network can be cut for real while its process runs on: one
 * namespace per node, each joined by a veth pair to a bridge in this namespace that also carries the bridge's own
 * address, through which the hubs reach the nodes. Cutting a node takes its bridge port down: the node is
 * partitioned from its peers and its clients alike. Needs root and iproute2; {@link #create} says so by returning
 * null.
 */
public final class NetworkLab implements AutoCloseable {
    private final String id;
    private final int subnet;
    private final int size;

    private NetworkLab(String id, int subnet, int size) {
        this.id = id;
        this.subnet = subnet;
        this.size = size;
    }

    /** Builds namespaces for {@code size} nodes; null when this process may not (not root, no iproute2). */
    public static NetworkLab create(int size) {
        int n = ThreadLocalRandom.current().nextInt(1000, 10000);
        NetworkLab lab = new NetworkLab("dh" + n, 16 + n % 200, size);
        try {
            lab.build();
            return lab;
        } catch (IOException e) {
            lab.close();
            return null;
        }
    }

    private void build() throws IOException {
        ip("link", "add", bridge(), "type", "bridge");
        ip("addr", "add", "10.231." + subnet + ".1/24", "dev", bridge());
        ip("link", "set", bridge(), "up");
        for (int i = 0; i < size; i++) {
            ip("netns", "add", namespace(i));
            ip("link", "add", hostSide(i), "type", "veth", "peer", "name", nodeSide(i));
            ip("link", "set", nodeSide(i), "netns", namespace(i));
            ip("link", "set", hostSide(i), "master", bridge());
            ip("link", "set", hostSide(i), "up");
            ip("-n", namespace(i), "addr", "add", host(i) + "/24", "dev", nodeSide(i));
            ip("-n", namespace(i), "link", "set", nodeSide(i), "up");
            ip("-n", namespace(i), "link", "set", "lo", "up");
        }
    }

    /** The address node {@code i} listens on inside its namespace. */
    public String host(int i) {
        return "10.231." + subnet + "." + (10 + i);
    }

    /** The command prefix that runs a program in node {@code i}'s namespace (it execs, keeping the pid). */
    public List<String> exec(int i) {
        return List.of("ip", "netns", "exec", namespace(i));
    }

    /** Partitions node {@code i} from every peer and client: its link to the bridge goes down. */
    public void cut(int i) throws IOException {
        ip("link", "set", hostSide(i), "down");
    }

    public void restore(int i) throws IOException {
        ip("link", "set", hostSide(i), "up");
    }

    private String bridge() {
        return id + "br";
    }

    private String namespace(int i) {
        return id + "-n" + (i + 1);
    }

    private String hostSide(int i) {
        return id + "h" + (i + 1);
    }

    private String nodeSide(int i) {
        return id + "n" + (i + 1);
    }

    private static void ip(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("ip"));
        cmd.addAll(List.of(args));
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", cmd) + ": " + out.trim());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** Deletes the namespaces (with their veth pairs) and the bridge. */
    @Override
    public void close() {
        for (int i = 0; i < size; i++) {
            quietly("netns", "del", namespace(i));
        }
        quietly("link", "del", bridge());
    }

    private static void quietly(String... args) {
        try {
            ip(args);
        } catch (IOException ignored) {
            // already gone, or never made
        }
    }
}
