package io.dualhub.testkit;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * A TCP proxy on loopback between a client and one server, for link faults netem cannot give us here: a blackhole
 * (connections stay open and go silent in both directions, as behind a dead router), a reset (every connection
 * closed at once), added one-way latency and a bandwidth cap. Bytes sent into a blackhole are read and thrown away,
 * so the sender sees no back-pressure. Each direction of a connection has a reader that stamps what it reads with
 * the time it may leave and a writer that sends it then, paced to the cap: latency delays bytes without slowing
 * the link's throughput, as on a long wire.
 */
public final class FaultProxy implements AutoCloseable {
    private final InetSocketAddress target;
    private final ServerSocket server;
    private final List<Socket> sockets = new CopyOnWriteArrayList<>();
    private volatile boolean blackholed;
    private volatile boolean closed;
    private volatile long latencyNanos;
    private volatile long bytesPerSecond;

    public FaultProxy(int targetPort) {
        this(InetAddress.getLoopbackAddress().getHostAddress(), targetPort);
    }

    /** A proxy on loopback to a server at another address (a node in a network namespace). */
    public FaultProxy(String targetHost, int targetPort) {
        this.target = new InetSocketAddress(targetHost, targetPort);
        try {
            this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        daemon(this::accept, "proxy-" + port() + "->" + targetPort);
    }

    public int port() {
        return server.getLocalPort();
    }

    public String url() {
        return "nats://127.0.0.1:" + port();
    }

    /** Silences the link in both directions, keeping connections open; new connections are silent too. */
    public void blackhole() {
        blackholed = true;
    }

    /** Adds this one-way delay to every byte in both directions, for new and open connections alike. */
    public void latency(Duration oneWay) {
        latencyNanos = oneWay.toNanos();
    }

    /** Caps each direction of each connection at this many bits per second; 0 lifts the cap. */
    public void bandwidth(long bitsPerSecond) {
        bytesPerSecond = bitsPerSecond / 8;
    }

    /** Ends every fault: no blackhole, no latency, no cap. */
    public void heal() {
        blackholed = false;
        latencyNanos = 0;
        bytesPerSecond = 0;
    }

    /** Closes every current connection, as a reset from the network would. */
    public void reset() {
        sockets.forEach(FaultProxy::closeQuietly);
        sockets.clear();
    }

    private void accept() {
        while (!closed) {
            try {
                Socket client = server.accept();
                Socket upstream = new Socket();
                try {
                    upstream.connect(target, 2000);
                } catch (IOException e) {
                    closeQuietly(client);
                    continue;
                }
                sockets.add(client);
                sockets.add(upstream);
                pump(client, upstream);
                pump(upstream, client);
            } catch (IOException e) {
                if (!closed) {
                    reset();
                }
            }
        }
    }

    private void pump(Socket from, Socket to) {
        BlockingQueue<Chunk> chunks = new LinkedBlockingQueue<>();
        daemon(() -> read(from, to, chunks), "proxy-read");
        daemon(() -> write(from, to, chunks), "proxy-write");
    }

    private void read(Socket from, Socket to, BlockingQueue<Chunk> chunks) {
        byte[] buf = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            for (int n = in.read(buf); n >= 0; n = in.read(buf)) {
                if (!blackholed) {
                    chunks.add(new Chunk(System.nanoTime() + latencyNanos, Arrays.copyOf(buf, n)));
                }
            }
        } catch (IOException ignored) {
            // the other side closed, or a reset
        } finally {
            chunks.add(Chunk.END);
            closeQuietly(from);
        }
    }

    private void write(Socket from, Socket to, BlockingQueue<Chunk> chunks) {
        try (OutputStream out = to.getOutputStream()) {
            for (Chunk c = chunks.take(); c != Chunk.END; c = chunks.take()) {
                parkUntil(c.dueNanos());
                out.write(c.bytes());
                out.flush();
                long cap = bytesPerSecond;
                if (cap > 0) {
                    // pacing: the bytes just sent occupy the capped link for this long
                    parkUntil(System.nanoTime() + c.bytes().length * 1_000_000_000L / cap);
                }
            }
        } catch (IOException ignored) {
            // the other side closed, or a reset
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            closeQuietly(from);
            closeQuietly(to);
        }
    }

    /** The fault itself (a delay or the pace of a capped link), not a wait for a condition. */
    private static void parkUntil(long nanoTime) {
        for (long left = nanoTime - System.nanoTime(); left > 0; left = nanoTime - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    private static void daemon(Runnable body, String name) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    /** Bytes read from one side, and the earliest time they may be written to the other. */
    private record Chunk(long dueNanos, byte[] bytes) {
        static final Chunk END = new Chunk(0, new byte[0]);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // already closed
        }
    }

    @Override
    public void close() {
        closed = true;
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        reset();
    }
}
