package io.dualhub.testkit;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Hands out ports nothing listens on for the test processes, taken below the kernel's ephemeral range: a port the
 * kernel may pick as the source of any outgoing connection (a port-0 bind's answer) can be taken between being handed
 * out and the process binding it, which made a cluster node exit with "address already in use" in CI.
 */
public final class FreePorts {
    /** The lowest port handed out: above the well-known and most registered service ports. */
    static final int LOWEST = 10_000;

    private static final Path EPHEMERAL_RANGE = Path.of("/proc/sys/net/ipv4/ip_local_port_range");
    private static final int LINUX_DEFAULT_EPHEMERAL_LOW = 32_768;
    /** How many ports lie between {@link #LOWEST} and the ephemeral range: read from the kernel once. */
    private static final int SPAN = ephemeralLow() - LOWEST;

    private static int next = -1;

    private FreePorts() {}

    /** A port that nothing was bound to a moment ago and that the kernel does not hand to outgoing connections. */
    public static synchronized int next() {
        if (next < 0) {
            next = ThreadLocalRandom.current().nextInt(SPAN);
        }
        for (int tried = 0; tried < SPAN; tried++) {
            int port = LOWEST + next;
            next = (next + 1) % SPAN;
            if (isFree(port)) {
                return port;
            }
        }
        throw new IllegalStateException("no free port between " + LOWEST + " and the ephemeral range");
    }

    /** The first port of the kernel's ephemeral range (Linux's default when it cannot be read). */
    static int ephemeralLow() {
        try {
            String[] range = Files.readString(EPHEMERAL_RANGE).trim().split("\\s+");
            int low = Integer.parseInt(range[0]);
            return low > LOWEST + 1_000 ? low : LINUX_DEFAULT_EPHEMERAL_LOW;
        } catch (IOException | RuntimeException e) {
            return LINUX_DEFAULT_EPHEMERAL_LOW;
        }
    }

    private static boolean isFree(int port) {
        // The wildcard address: taken if anything listens on the port on any address, loopback included.
        try (ServerSocket s = new ServerSocket()) {
            s.setReuseAddress(false);
            s.bind(new InetSocketAddress(port), 1);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
