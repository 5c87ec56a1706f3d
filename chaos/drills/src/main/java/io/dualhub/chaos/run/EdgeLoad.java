package io.dualhub.chaos.run;

import io.dualhub.testkit.LineWriter;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady sequenced load on every edge of a scenario, one writer thread per edge at an even share of the rate, in
 * requests of a twentieth of a second's points. A refused write (503) is tried again with the same points at the
 * next slot; a write that got no answer leaves its points uncertain (see {@link LineWriter}) and backs off briefly.
 */
final class EdgeLoad implements AutoCloseable {
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private final Map<String, LineWriter> writers = new LinkedHashMap<>();
    private final List<Thread> threads = new ArrayList<>();
    private volatile boolean running = true;

    EdgeLoad(String measurement, List<ChaosEdge> edges, int pointsPerSecond) {
        int perEdge = Math.max(1, pointsPerSecond / edges.size());
        int perRequest = Math.max(1, perEdge / 20);
        long intervalNanos = 1_000_000_000L * perRequest / perEdge;
        for (ChaosEdge e : edges) {
            LineWriter w = new LineWriter(measurement);
            writers.put(e.id(), w);
            Thread t = new Thread(() -> drive(w, e.url(), perRequest, intervalNanos), "load-" + e.id());
            t.setDaemon(true);
            threads.add(t);
        }
        threads.forEach(Thread::start);
    }

    private void drive(LineWriter w, String url, int perRequest, long intervalNanos) {
        long due = System.nanoTime();
        while (running) {
            try {
                w.write(url, perRequest);
            } catch (IOException e) {
                LockSupport.parkNanos(BACKOFF.toNanos());
            } catch (InterruptedException e) {
                return;
            }
            due = Math.max(due + intervalNanos, System.nanoTime() - intervalNanos);
            LockSupport.parkNanos(due - System.nanoTime());
        }
    }

    /** The writer of each edge, by edge id. */
    Map<String, LineWriter> writers() {
        return writers;
    }

    long accepted() {
        return writers.values().stream().mapToLong(LineWriter::accepted).sum();
    }

    /** Stops writing and waits for the requests in flight to end. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
    }
}
