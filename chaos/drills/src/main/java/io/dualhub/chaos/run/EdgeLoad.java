package io.dualhub.chaos.run;

import io.dualhub.testkit.CountingTarget;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.WriteInput;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Steady sequenced load on every edge of a scenario, one line-protocol writer thread per edge at an even share of
 * the rate, in requests of a twentieth of a second's points. A refused write (503) is tried again with the same
 * points at the next slot; a write that got no answer leaves its points uncertain (see {@link SequencedWriter}) and
 * backs off briefly. With every input, the target edge (the first) also takes the same share through each of its
 * other write inputs, each with a writer and a metric of its own, and scrapes a {@link CountingTarget} named in its
 * target file.
 */
final class EdgeLoad implements AutoCloseable {
    private static final Duration BACKOFF = Duration.ofMillis(200);
    private final Map<String, SequencedWriter> writers = new LinkedHashMap<>();
    private final List<SequencedWriter> inputs = new ArrayList<>();
    private final List<Thread> threads = new ArrayList<>();
    private final CountingTarget scraped;
    private final Path scrapeTargets;
    private volatile boolean running = true;

    EdgeLoad(String measurement, List<ChaosEdge> edges, int pointsPerSecond, boolean everyInput) {
        int perEdge = Math.max(1, pointsPerSecond / edges.size());
        int perRequest = Math.max(1, perEdge / 20);
        long intervalNanos = 1_000_000_000L * perRequest / perEdge;
        for (ChaosEdge e : edges) {
            SequencedWriter w = new SequencedWriter(measurement);
            writers.put(e.id(), w);
            start(w, e, perRequest, intervalNanos);
        }
        ChaosEdge target = edges.get(0);
        if (everyInput) {
            for (WriteInput input : WriteInput.values()) {
                if (input != WriteInput.LINE_PROTOCOL) {
                    SequencedWriter w =
                            new SequencedWriter(measurement + "_" + input.name().toLowerCase(), input);
                    inputs.add(w);
                    start(w, target, perRequest, intervalNanos);
                }
            }
            scraped = new CountingTarget(measurement + "_scrapes_total");
            scrapeTargets = target.scrapeTargets();
            writeTargets("- job: " + measurement + "\n  urls: [http://" + scraped.address() + "/metrics]\n"
                    + "  interval: 1s\n  timeout: 800ms\n");
        } else {
            scraped = null;
            scrapeTargets = null;
        }
        threads.forEach(Thread::start);
    }

    private void start(SequencedWriter w, ChaosEdge edge, int perRequest, long intervalNanos) {
        String name = "load-" + edge.id()
                + (w.input() == WriteInput.LINE_PROTOCOL ? "" : "-" + w.input().name());
        Thread t = new Thread(() -> drive(w, edge.url(), perRequest, intervalNanos), name);
        t.setDaemon(true);
        threads.add(t);
    }

    private void drive(SequencedWriter w, String url, int perRequest, long intervalNanos) {
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

    /** Writes the target file whole, by a rename, as the docs ask of whoever writes one. */
    private void writeTargets(String yaml) {
        try {
            Path next = Files.writeString(scrapeTargets.resolveSibling(scrapeTargets.getFileName() + ".next"), yaml);
            Files.move(next, scrapeTargets, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The line-protocol writer of each edge, by edge id. */
    Map<String, SequencedWriter> writers() {
        return writers;
    }

    /** The metric the line-protocol writers' points are stored under (the same for every edge). */
    String lineMetric() {
        return writers.values().iterator().next().metric();
    }

    /** The target edge's writers through its other inputs; empty unless the load takes every input. */
    List<SequencedWriter> inputs() {
        return inputs;
    }

    /** The target the target edge scrapes; null unless the load takes every input. */
    CountingTarget scraped() {
        return scraped;
    }

    /** Points accepted by every writer (scraped samples aside: no writer is answered for them). */
    long accepted() {
        long accepted = 0;
        for (SequencedWriter w : writers.values()) {
            accepted += w.accepted();
        }
        for (SequencedWriter w : inputs) {
            accepted += w.accepted();
        }
        return accepted;
    }

    /** Stops writing, waits for the requests in flight to end, and takes the scrape target out of the edge's file. */
    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread t : threads) {
            t.join();
        }
        if (scraped != null) {
            try {
                Files.deleteIfExists(scrapeTargets); // no file, no targets
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            scraped.close();
        }
    }
}
