package io.dualhub.bench;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A loopback HTTP proxy in front of one remote-write receiver that keeps every body it forwards, so a plain client can
 * send the very same requests afterwards; it answers what the receiver answered. It forwards as many requests at once
 * as come (up to {@link #AT_ONCE}), so it does not serialize a sender's parallel requests; still it adds a hop to what
 * it measures, so a figure measured through it is, if anything, low. While {@link #refuse() refusing} it answers 503
 * to everything, as a receiver that is down, and records nothing.
 */
final class RecordingProxy implements AutoCloseable {
    /** Far above the exporter's default parallel requests. */
    static final int AT_ONCE = 16;

    private final HttpServer server;
    private final ExecutorService forwarders = Executors.newFixedThreadPool(AT_ONCE);
    private final HttpClient client =
            HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    private final URI target;
    private final List<byte[]> bodies = new CopyOnWriteArrayList<>();
    private volatile long firstNanos;
    private final AtomicLong lastNanos = new AtomicLong();
    private volatile boolean refusing;

    RecordingProxy(URI target) throws IOException {
        this.target = target;
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/", this::forward);
        server.setExecutor(forwarders);
        server.start();
    }

    private void forward(HttpExchange exchange) throws IOException {
        if (refusing) {
            exchange.getRequestBody().readAllBytes();
            exchange.sendResponseHeaders(503, -1);
            exchange.close();
            return;
        }
        if (firstNanos == 0) {
            firstNanos = System.nanoTime();
        }
        byte[] body = exchange.getRequestBody().readAllBytes();
        bodies.add(body);
        try {
            HttpResponse<byte[]> answer =
                    client.send(RemoteWriteRequests.post(target, body), HttpResponse.BodyHandlers.ofByteArray());
            exchange.sendResponseHeaders(answer.statusCode(), answer.body().length == 0 ? -1 : answer.body().length);
            exchange.getResponseBody().write(answer.body());
            lastNanos.accumulateAndGet(System.nanoTime(), Math::max);
        } catch (IOException | InterruptedException e) {
            exchange.sendResponseHeaders(502, -1);
        } finally {
            exchange.close();
        }
    }

    /** From now on answers 503 to every request, forwarding and recording none. */
    void refuse() {
        refusing = true;
    }

    /** Forwards again, with no body recorded and the times cleared: what comes from now on is timed and recorded. */
    void forwardAnew() {
        bodies.clear();
        firstNanos = 0;
        lastNanos.set(0);
        refusing = false;
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + target.getRawPath());
    }

    /** When the first request came in (System.nanoTime), 0 before. */
    long firstNanos() {
        return firstNanos;
    }

    /** When the receiver's last answer went back (System.nanoTime), 0 before. */
    long lastNanos() {
        return lastNanos.get();
    }

    List<byte[]> bodies() {
        return bodies;
    }

    @Override
    public void close() {
        server.stop(0);
        forwarders.shutdownNow();
    }
}
