package io.dualhub.testkit;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A scrape target on loopback whose one counter counts the times it was scraped: {@code scrapes_total} is 1 at the
 * first scrape, 2 at the second, and so on, so the values a store holds show a lost sample as a hole and a
 * duplicate as a repeat.
 */
public final class CountingTarget implements AutoCloseable {
    public static final String METRIC = "scrapes_total";

    private final AtomicLong scrapes = new AtomicLong();
    private final String metric;
    private final HttpServer server;

    public CountingTarget() {
        this(METRIC);
    }

    /** A target whose counter is named {@code metric} (a name of its own keeps its values apart in a shared store). */
    public CountingTarget(String metric) {
        this.metric = metric;
        try {
            server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/metrics", x -> {
            byte[] body = ("# TYPE " + metric + " counter\n" + metric + "{kind=\"test\"} " + scrapes.incrementAndGet()
                            + "\n")
                    .getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        server.start();
    }

    public String metric() {
        return metric;
    }

    /** {@code host:port}, as Prometheus names a target. */
    public String address() {
        return "127.0.0.1:" + server.getAddress().getPort();
    }

    /** Scrapes served so far: the counter's last value. */
    public long served() {
        return scrapes.get();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
