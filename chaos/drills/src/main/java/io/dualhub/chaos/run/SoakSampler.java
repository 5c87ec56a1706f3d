package io.dualhub.chaos.run;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.NatsServerNode;
import io.dualhub.testkit.ProcessStatus;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Samples every process of the soak's topology: for each its RSS (and its anonymous and file-backed parts), threads
 * (in all, and by pool) and open files (from {@code /proc}), for
 * the JVMs their heap after a collection, for the
 * CentralHubs their store size, DuckDB's memory (outside the Java heap, within store.memory-limit) and commit p99, for
 * the edges their backlog and forward lag as the first CentralHub
 * that answers sees it. Heap after GC is what the heap holds right after a full collection the sampler asks for
 * ({@code jcmd <pid> GC.run}): a leak shows there first, whatever the collector's own rhythm. A process that is down
 * while a fault lasts gives no sample. Owned by the soak's sampling
 * thread; {@link #samples()} copies under the lock.
 */
final class SoakSampler {
    /** The JDK's jcmd beside the java running this: the hubs run on the same one. */
    private static final String JCMD =
            Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();

    private final Topology topology;
    private final Clock clock;
    private final List<SoakSample> samples = new ArrayList<>();

    SoakSampler(Topology topology, Clock clock) {
        this.topology = topology;
        this.clock = clock;
    }

    /** Takes one sample of everything; a failure is reported and skips this sample only (the schedule goes on). */
    void sampleAll() {
        try {
            sampleEach();
        } catch (RuntimeException e) {
            System.out.println("soak: a sample failed and was skipped: " + e);
        }
    }

    private void sampleEach() {
        long now = clock.millis();
        List<SoakSample> taken = new ArrayList<>();
        JsonNode fleet = fleet();
        for (int i = 0; i < topology.centrals().size(); i++) {
            HubProcess hub = topology.centrals().get(i);
            CentralClient api = topology.clients().get(i);
            jvm(taken, now, hub);
            figure(taken, now, hub, "store_mb", () -> api.meter("dualhub_central_store_used_bytes") / (1 << 20));
            figure(
                    taken,
                    now,
                    hub,
                    "engine_memory_mb",
                    () -> api.meter("dualhub_central_store_engine_memory_bytes") / (1 << 20));
            figure(
                    taken,
                    now,
                    hub,
                    "commit_p99_ms",
                    () -> api.get("/api/v1/performance")
                            .path("storeCommit")
                            .path("p99Ms")
                            .asDouble());
        }
        for (ChaosEdge edge : topology.edges()) {
            jvm(taken, now, edge.process());
            figure(taken, now, edge.process(), "backlog_batches", edge::backlog);
            figure(taken, now, edge.process(), "forward_lag_ms", () -> lagOf(fleet, edge.id()));
        }
        for (NatsServerNode node : topology.nats().nodes()) {
            os(taken, now, node.name(), node.pid());
        }
        synchronized (samples) {
            samples.addAll(taken);
        }
    }

    List<SoakSample> samples() {
        synchronized (samples) {
            return List.copyOf(samples);
        }
    }

    private void jvm(List<SoakSample> taken, long now, HubProcess p) {
        if (!p.isAlive()) {
            return;
        }
        os(taken, now, p.name(), p.pid());
        CentralClient api = new CentralClient(p.url());
        figure(taken, now, p, "heap_after_gc_mb", () -> heapAfterGc(p.pid(), api));
    }

    private static double heapAfterGc(long pid, CentralClient api) throws Exception {
        Process gc = new ProcessBuilder(JCMD, Long.toString(pid), "GC.run")
                .redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                .start();
        if (!gc.waitFor(30, TimeUnit.SECONDS) || gc.exitValue() != 0) {
            gc.destroyForcibly();
            throw new IllegalStateException("jcmd " + pid + " GC.run did not succeed");
        }
        return api.meter("jvm_memory_used_bytes", "area=\"heap\"") / (1 << 20);
    }

    private static void os(List<SoakSample> taken, long now, String name, long pid) {
        try {
            ProcessStatus s = ProcessStatus.of(pid);
            taken.add(new SoakSample(now, name, pid, "rss_mb", s.rssMb()));
            taken.add(new SoakSample(now, name, pid, "rss_anon_mb", s.rssAnonMb()));
            taken.add(new SoakSample(now, name, pid, "rss_file_mb", s.rssFileMb()));
            taken.add(new SoakSample(now, name, pid, "threads", s.threads()));
            taken.add(new SoakSample(now, name, pid, "open_files", s.openFiles()));
            ProcessStatus.threadPools(pid)
                    .forEach((pool, n) -> taken.add(new SoakSample(now, name, pid, SoakSample.POOL + pool, n)));
        } catch (Exception gone) {
            // down while a fault lasts: no sample this time
        }
    }

    /** A figure read from a process; none when the process is down or does not answer. */
    private static void figure(List<SoakSample> taken, long now, HubProcess p, String figure, Reading reading) {
        if (!p.isAlive()) {
            return;
        }
        try {
            taken.add(new SoakSample(now, p.name(), p.pid(), figure, reading.read()));
        } catch (Exception unanswered) {
            // down or busy while a fault lasts: no sample this time
        }
    }

    /** The fleet as the first CentralHub that answers sees it, or null. */
    private JsonNode fleet() {
        for (CentralClient c : topology.clients()) {
            try {
                return c.get("/api/v1/edges");
            } catch (Exception down) {
                // try the other hub
            }
        }
        return null;
    }

    private static double lagOf(JsonNode fleet, String edgeId) {
        if (fleet != null) {
            for (JsonNode e : fleet) {
                if (e.path("edgeId").asText().equals(edgeId)) {
                    return e.path("forwardLagMs").asDouble();
                }
            }
        }
        throw new IllegalStateException("no CentralHub knows " + edgeId);
    }

    @FunctionalInterface
    private interface Reading {
        double read() throws Exception;
    }
}
