package io.dualhub.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A load generator that writes sequenced points through one of an edge's write inputs ({@link WriteInput}, line
 * protocol unless told): point {@code n} carries the value n, so the store can be checked for every one exactly
 * once. Counts what the edge accepted. A request that got no answer (the edge died, the connection broke) may or may
 * not have been appended: its values are never written again and are kept as uncertain, so the store may hold them
 * at most once.
 */
public final class SequencedWriter {
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String measurement;
    private final WriteInput input;
    private final List<long[]> uncertain = new ArrayList<>();
    // Point n is stamped epochMs + n: distinct times, all recent (inside the hub's store.retention).
    private final long epochMs = System.currentTimeMillis();
    private long next;
    private long accepted;
    private int lastStatus;
    private String lastRetryAfter;

    public SequencedWriter(String measurement) {
        this(measurement, WriteInput.LINE_PROTOCOL);
    }

    public SequencedWriter(String measurement, WriteInput input) {
        this.measurement = measurement;
        this.input = input;
    }

    /** Writes the next {@code count} points in one request; true if the edge accepted them all. */
    public boolean write(String edgeUrl, int count) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(edgeUrl + input.path()))
                .timeout(Duration.ofSeconds(10))
                .headers(input.headers())
                .POST(HttpRequest.BodyPublishers.ofByteArray(input.body(measurement, next, next + count, epochMs)))
                .build();
        HttpResponse<Void> response;
        try {
            response = http.send(req, HttpResponse.BodyHandlers.discarding());
        } catch (IOException e) {
            uncertain.add(new long[] {next, next + count});
            next += count;
            throw e;
        }
        int status = response.statusCode();
        lastStatus = status;
        lastRetryAfter = response.headers().firstValue("Retry-After").orElse(null);
        if (!input.accepted(status)) {
            return false;
        }
        next += count;
        accepted += count;
        return true;
    }

    public WriteInput input() {
        return input;
    }

    /** The HTTP status of the last write. */
    public int lastStatus() {
        return lastStatus;
    }

    /** The Retry-After header of the last write, or null. */
    public String lastRetryAfter() {
        return lastRetryAfter;
    }

    /** Whether value n was sent in a request that got no answer. */
    public boolean isUncertain(long n) {
        return uncertain.stream().anyMatch(r -> n >= r[0] && n < r[1]);
    }

    /** One past the highest value written so far: every value below it is accepted or uncertain. */
    public long written() {
        return next;
    }

    public long accepted() {
        return accepted;
    }

    /** The metric name the points are stored under. */
    public String metric() {
        return measurement + "_n";
    }
}
