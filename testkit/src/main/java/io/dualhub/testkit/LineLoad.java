package io.dualhub.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A local load generator for an edge's line-protocol endpoint: bursts of large requests from several connections
 * (how fast the edge accepts), or a steady rate of small ones stamped with the time they are sent (latency).
 * Every write must be accepted (204); anything else stops the run with the status.
 */
public final class LineLoad {
    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final String writeUrl;
    private final String measurement;

    public LineLoad(String edgeUrl, String measurement) {
        this(edgeUrl, "/api/v1/write", measurement);
    }

    /**
     * A load on {@code path} of {@code url} ({@code /write}: InfluxDB 1.x's, which other agents take too, so one load
     * can be put on an edge and on them alike).
     */
    public LineLoad(String url, String path, String measurement) {
        this.writeUrl = url + path + "?precision=ms";
        this.measurement = measurement;
    }

    /** Writes {@code points} in requests of {@code lines} from {@code connections} connections; returns seconds. */
    public double burst(long points, int connections, int lines) throws Exception {
        long requests = points / lines;
        AtomicLong next = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(connections);
        long base = System.currentTimeMillis() - requests * lines;
        long start = System.nanoTime();
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int c = 0; c < connections; c++) {
                writers.add(pool.submit(() -> {
                    for (long r = next.getAndIncrement(); r < requests; r = next.getAndIncrement()) {
                        post(body(r * lines, lines, base + r * lines, 1));
                    }
                    return null;
                }));
            }
            for (Future<?> w : writers) {
                w.get();
            }
        } finally {
            pool.shutdownNow();
        }
        return (System.nanoTime() - start) / 1e9;
    }

    /**
     * Writes {@code pointsPerSecond} for {@code seconds}, a request every 50 ms whose points carry the time it is
     * sent (the collection time the hubs measure latency from); returns the points written.
     */
    public long steady(int pointsPerSecond, int seconds) throws Exception {
        int perRequest = Math.max(1, pointsPerSecond / 20);
        long written = 0;
        long start = System.nanoTime();
        for (long tick = 0; tick < seconds * 20L; tick++) {
            long due = start + tick * 50_000_000L;
            long wait = due - System.nanoTime();
            if (wait > 0) {
                Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000)); // pacing a load, not awaiting a condition
            }
            post(body(written, perRequest, System.currentTimeMillis(), 0));
            written += perRequest;
        }
        return written;
    }

    /** Lines {@code first..first+count-1}, timestamps from {@code ts}, {@code step} ms apart. */
    private String body(long first, int count, long ts, int step) {
        StringBuilder b = new StringBuilder(count * 48);
        for (int i = 0; i < count; i++) {
            b.append(measurement)
                    .append(",host=bench,core=")
                    .append(i & 7)
                    .append(" value=")
                    .append(first + i)
                    .append("i ")
                    .append(ts + (long) i * step)
                    .append('\n');
        }
        return b.toString();
    }

    private void post(String body) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(writeUrl))
                .timeout(Duration.ofSeconds(60))
                .header("Content-Type", "text/plain; charset=utf-8")
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        int status = http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
        if (status != 204) {
            throw new IOException("the agent answered " + status + " to a write at " + writeUrl);
        }
    }
}
