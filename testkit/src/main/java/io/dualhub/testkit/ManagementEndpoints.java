package io.dualhub.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The framework's management endpoints: the few a hub serves to anyone (health for supervisors, metrics for
 * scrapers) and the ones it must not serve at all (they show its internals or change its state), for the tests
 * that hold both hubs to that.
 */
public final class ManagementEndpoints {
    public static final List<String> OPEN = List.of("/health", "/health/liveness", "/health/readiness", "/prometheus");
    /** Each with the method that would use it: GET reads, POST changes state. */
    public static final List<String> CLOSED = List.of(
            "GET /beans",
            "GET /routes",
            "GET /threaddump",
            "GET /env",
            "GET /loggers",
            "POST /loggers/io.dualhub",
            "GET /info",
            "GET /caches",
            "POST /refresh",
            "POST /stop");

    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private ManagementEndpoints() {}

    /** The status each request ("GET /path", or a bare path for GET) gets from the hub at {@code baseUrl}. */
    public static Map<String, Integer> statuses(String baseUrl, List<String> requests)
            throws IOException, InterruptedException {
        Map<String, Integer> statuses = new LinkedHashMap<>();
        for (String request : requests) {
            String[] parts = request.contains(" ") ? request.split(" ", 2) : new String[] {"GET", request};
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(baseUrl + parts[1]));
            b = parts[0].equals("POST")
                    ? b.POST(HttpRequest.BodyPublishers.ofString("{\"configuredLevel\":\"TRACE\"}"))
                            .header("Content-Type", "application/json")
                    : b.GET();
            statuses.put(
                    request,
                    HTTP.send(b.build(), HttpResponse.BodyHandlers.discarding()).statusCode());
        }
        return statuses;
    }
}
