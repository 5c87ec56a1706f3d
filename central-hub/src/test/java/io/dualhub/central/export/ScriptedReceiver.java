package io.dualhub.central.export;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.function.ToIntFunction;

/**
 * A remote-write endpoint on loopback that reads each request as a receiver does and answers what the test scripts:
 * {@code answer} gives the status for a request's series (2xx: they are kept in {@link #kept()}).
 */
final class ScriptedReceiver implements AutoCloseable {
    private final HttpServer server;
    private final ExecutorService handlers = DaemonThreads.pool("scripted-receiver", 8);
    private final List<ReceivedWrites.Series> kept = new CopyOnWriteArrayList<>();
    private final List<Integer> answered = new CopyOnWriteArrayList<>();
    private volatile Map<String, String> lastHeaders = Map.of();
    private volatile ToIntFunction<List<ReceivedWrites.Series>> answer = series -> 204;

    ScriptedReceiver() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/api/v1/write", exchange -> {
            List<ReceivedWrites.Series> series =
                    ReceivedWrites.decode(exchange.getRequestBody().readAllBytes());
            boolean wellFormed = "snappy".equals(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                    && "application/x-protobuf"
                            .equals(exchange.getRequestHeaders().getFirst("Content-Type"))
                    && "0.1.0".equals(exchange.getRequestHeaders().getFirst("X-Prometheus-Remote-Write-Version"));
            Map<String, String> headers = new TreeMap<>();
            exchange.getRequestHeaders().forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), v.get(0)));
            lastHeaders = headers;
            int status = wellFormed ? answer.applyAsInt(series) : 415;
            if (status / 100 == 2) {
                kept.addAll(series);
            }
            answered.add(status);
            byte[] body = status / 100 == 2 ? new byte[0] : ("scripted " + status).getBytes();
            exchange.sendResponseHeaders(status, body.length == 0 ? -1 : body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.setExecutor(handlers); // several requests at once, as the exporter's lanes send them
        server.start();
    }

    URI url() {
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/write");
    }

    void answer(ToIntFunction<List<ReceivedWrites.Series>> script) {
        this.answer = script;
    }

    List<ReceivedWrites.Series> kept() {
        return kept;
    }

    /** The last request's headers, names in lower case. */
    Map<String, String> lastHeaders() {
        return lastHeaders;
    }

    List<Integer> answered() {
        return answered;
    }

    @Override
    public void close() {
        server.stop(0);
        handlers.shutdownNow();
    }
}
