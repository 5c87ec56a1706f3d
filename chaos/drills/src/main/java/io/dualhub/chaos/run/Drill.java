package io.dualhub.chaos.run;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.RemoteWriteReceiver;
import io.dualhub.testkit.SequencedWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * One scenario run against the topology under steady load: the fault, its failover (fault to the next batch the
 * target edge appends and gets acknowledged), its recovery (fault cleared to every backlog forwarded and every
 * accepted point stored at both CentralHubs), then the count of every point at each CentralHub and each NATS
 * node's view of the metrics streams.
 */
final class Drill {
    private static final Duration LONG = Duration.ofMinutes(3);
    private final Scenario scenario;
    private final String measurement;
    private final Topology topology;
    private final Phases phases;
    private final int rate;
    private final Consumer<String> progress;
    private final List<String> notes = new ArrayList<>();
    private final AtomicLong maxBacklog = new AtomicLong();
    private EdgeLoad load;
    private long faultAt;
    private long healedAt;
    private long failoverMs = -1;

    /** A run whose load writes {@code measurement}: a metric no other run in the same stores writes. */
    Drill(
            Scenario scenario,
            String measurement,
            Topology topology,
            Phases phases,
            int rate,
            Consumer<String> progress) {
        this.scenario = scenario;
        this.measurement = measurement;
        this.topology = topology;
        this.phases = phases;
        this.rate = rate;
        this.progress = progress;
    }

    // ---- for scenarios ----

    Topology topology() {
        return topology;
    }

    Phases phases() {
        return phases;
    }

    /** The edge whose links and process the scenarios break: the first. */
    ChaosEdge target() {
        return topology.edges().get(0);
    }

    EdgeLoad load() {
        return load;
    }

    /** Marks the moment the fault is injected; failover and the fault's duration count from here. */
    void faultStarting(String what) {
        faultAt = System.nanoTime();
        phase("fault: " + what);
    }

    /** Waits for the next batch the target appends from now on to be acknowledged: the data path works again. */
    void awaitFailover() {
        AtomicLong appended = new AtomicLong(-1);
        await(scenario.name() + ": a batch appended after the fault acknowledged")
                .atMost(LONG)
                .pollInterval(Duration.ofMillis(10))
                .ignoreExceptions()
                .until(() -> {
                    if (appended.get() < 0) {
                        appended.set(target().lastSeq());
                    }
                    return target().ackedSeq() > appended.get();
                });
        failoverNow();
    }

    /** Records the failover as complete now (for faults whose failover is not an edge's acknowledgement). */
    void failoverNow() {
        failoverMs = millisSince(faultAt);
        phase("failover after " + failoverMs + " ms");
    }

    /** Lets the fault last until {@code duration} after it started: the fault's length, not a wait for a condition. */
    void holdFault(Duration duration) {
        long until = faultAt + duration.toNanos();
        for (long left = until - System.nanoTime(); left > 0; left = until - System.nanoTime()) {
            LockSupport.parkNanos(left);
        }
    }

    void healed(String what) {
        healedAt = System.nanoTime();
        phase("cleared: " + what);
    }

    void note(String note) {
        notes.add(note);
        phase(note);
    }

    void phase(String line) {
        progress.accept(String.format("[%s] %s", scenario.name(), line));
    }

    static long millisSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    // ---- the run ----

    ScenarioResult run() throws Exception {
        List<CentralClient> centrals = topology.clients();
        List<Map<String, JsonNode>> before = fleets(centrals);
        double resendsBefore = resendRequests(centrals);
        load = new EdgeLoad(measurement, topology.edges(), rate, scenario.everyInput());
        Thread sampler = startBacklogSampler();
        String error = null;
        long recoveryMs = -1;
        try {
            phase("load " + rate + " points/s over " + topology.edges().size() + " edges"
                    + (scenario.everyInput()
                            ? ", and as much again through each other input of edge-1 (and a scrape)"
                            : ""));
            holdSteady();
            scenario.fault().inject(this);
            if (healedAt == 0) {
                healedAt = System.nanoTime();
            }
            recoveryMs = awaitRecovery(centrals, before);
            holdSteady();
        } catch (Scenario.Skipped e) {
            throw e;
        } catch (Exception | AssertionError e) {
            error = e.getMessage();
            note("error: " + error);
            topology.restore();
        } finally {
            load.close();
            sampler.interrupt();
        }
        awaitStored(centrals, before, load.accepted());
        List<Tally> tallies = tally(centrals, before);
        checkReplicas();
        double resends = resendRequests(centrals) - resendsBefore;
        if (resends > 0) {
            note(String.format("gap repair: %.0f resend requests by the leading CentralHub", resends));
        }
        Tally worst = Tally.worst(tallies);
        boolean passed = error == null && recoveryMs >= 0 && tallies.stream().allMatch(Tally::whole);
        return new ScenarioResult(
                scenario.name(),
                passed,
                worst.accepted(),
                worst.stored(),
                worst.declaredDropped(),
                worst.lost(),
                worst.duplicates(),
                failoverMs,
                recoveryMs,
                maxBacklog.get(),
                List.copyOf(notes));
    }

    private void holdSteady() {
        LockSupport.parkNanos(phases.lead().toNanos());
    }

    /** Waits for every edge's backlog to be forwarded and every point accepted until now stored at every CentralHub. */
    private long awaitRecovery(List<CentralClient> centrals, List<Map<String, JsonNode>> before) {
        long accepted = load.accepted();
        await(scenario.name() + ": backlog drained and stored")
                .atMost(LONG)
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptions()
                .until(() -> backlog() == 0 && caughtUp(centrals, before, accepted));
        long ms = millisSince(healedAt);
        phase("recovered " + ms + " ms after the fault was cleared");
        return ms;
    }

    private void awaitStored(List<CentralClient> centrals, List<Map<String, JsonNode>> before, long accepted) {
        try {
            await().atMost(LONG)
                    .pollInterval(Duration.ofMillis(250))
                    .ignoreExceptions()
                    .until(() -> caughtUp(centrals, before, accepted));
        } catch (RuntimeException e) {
            note("not every accepted point reached both CentralHubs within " + LONG.toMinutes() + " min");
        }
    }

    private boolean caughtUp(List<CentralClient> centrals, List<Map<String, JsonNode>> before, long accepted)
            throws Exception {
        List<Map<String, JsonNode>> now = fleets(centrals);
        for (int c = 0; c < centrals.size(); c++) {
            long delta = 0;
            for (String edge : load.writers().keySet()) {
                delta += accounted(now.get(c).get(edge))
                        - accounted(before.get(c).get(edge));
            }
            if (delta < accepted) {
                return false;
            }
        }
        return true;
    }

    /** Per CentralHub, each edge's entry in its fleet API (points stored, declared dropped, ...), by edge id. */
    private static List<Map<String, JsonNode>> fleets(List<CentralClient> centrals) throws Exception {
        List<Map<String, JsonNode>> all = new ArrayList<>();
        for (CentralClient c : centrals) {
            Map<String, JsonNode> m = new HashMap<>();
            for (JsonNode e : c.get("/api/v1/edges")) {
                m.put(e.path("edgeId").asText(), e);
            }
            all.add(m);
        }
        return all;
    }

    /** Points stored plus points declared dropped: every accepted point ends up as one of them. */
    private static long accounted(JsonNode edge) {
        return edge == null ? 0 : edge.path("pointsStored").asLong() + declared(edge);
    }

    private static long declared(JsonNode edge) {
        return edge == null ? 0 : edge.path("pointsDeclaredDropped").asLong();
    }

    /**
     * Every store's tally of every writer's points: per CentralHub and for the export receiver, the line-protocol
     * load of all edges (held to the points each edge declared dropped), then each other input of the target edge,
     * then, when it scraped, its scraped counts.
     */
    private List<Tally> tally(List<CentralClient> centrals, List<Map<String, JsonNode>> before) throws Exception {
        List<Tally> tallies = new ArrayList<>();
        Map<String, Long> lastDropped = Map.of();
        for (int c = 0; c < centrals.size(); c++) {
            CentralClient central = centrals.get(c);
            Map<String, Long> dropped = new HashMap<>();
            for (String edge : load.writers().keySet()) {
                dropped.put(
                        edge,
                        declared(central.edge(edge)) - declared(before.get(c).get(edge)));
            }
            tallies.addAll(tallyStore(topology.centrals().get(c).name(), central::values, dropped));
            lastDropped = dropped; // every hub counts the same declarations; the receiver is held to them
        }
        RemoteWriteReceiver receiver = topology.receiver();
        if (receiver != null) {
            tallies.addAll(tallyStore(
                    receiver.name() + " (export)",
                    (metric, edge) -> receiver.values(metric + "{edge=\"" + edge + "\"}", Duration.ofDays(1)).stream()
                            .map(Double::longValue)
                            .toList(),
                    lastDropped));
        }
        return tallies;
    }

    private List<Tally> tallyStore(String store, StoredValues stored, Map<String, Long> dropped) throws Exception {
        List<Tally> tallies = new ArrayList<>();
        tallies.add(report(settled(store, load.lineMetric(), load.writers(), stored, dropped)));
        for (SequencedWriter w : load.inputs()) {
            tallies.add(report(settled(
                    store + ", " + w.input().description(), w.metric(), Map.of(target().id(), w), stored, Map.of())));
        }
        if (load.scraped() != null) {
            tallies.add(report(scraped(store, stored.of(load.scraped().metric(), target().id()))));
        }
        return tallies;
    }

    /**
     * The scraped counts a store holds, as a tally: each count the target served is stored at most once. No scrape
     * is answered to anyone, so which ones reached the buffer before a kill is not known and none is counted lost;
     * a count stored twice is a duplicate.
     */
    private static Tally scraped(String store, List<Long> counts) {
        long distinct = counts.stream().distinct().count();
        return new Tally(store + ", scrape (counts stored)", distinct, distinct, 0, 0, counts.size() - distinct, 0);
    }

    /** The values a store holds of one metric of one edge's points. */
    @FunctionalInterface
    private interface StoredValues {
        List<Long> of(String metric, String edge) throws Exception;
    }

    /**
     * One store's tally of the writers' {@code metric} once it holds every accepted value, or two minutes passed
     * (noted): a store still catching up
     * (the export receiver behind the hubs) may hold as many values as were accepted, counting those of unanswered
     * writes, before it holds every accepted one.
     */
    private Tally settled(
            String name,
            String metric,
            Map<String, SequencedWriter> writers,
            StoredValues stored,
            Map<String, Long> dropped) {
        Map<String, List<Long>> values = new HashMap<>();
        try {
            await().atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofSeconds(1))
                    .ignoreExceptions()
                    .until(() -> {
                        values.clear();
                        for (String edge : writers.keySet()) {
                            values.put(edge, stored.of(metric, edge));
                        }
                        return Tally.of(name, values, writers, dropped).holdsEveryAccepted();
                    });
        } catch (RuntimeException e) {
            note(name + " did not hold every accepted point within 2 min");
        }
        return Tally.of(name, values, writers, dropped);
    }

    private Tally report(Tally t) {
        phase(String.format(
                "%s: accepted %d, stored %d, declared dropped %d, lost %d, duplicates %d%s",
                t.central(),
                t.accepted(),
                t.stored(),
                t.declaredDropped(),
                t.lost(),
                t.duplicates(),
                t.uncertainStored() > 0 ? ", stored of unanswered writes " + t.uncertainStored() : ""));
        return t;
    }

    /** Each node's replica of each metrics stream must agree once the load has stopped; a divergence is reported. */
    private void checkReplicas() {
        ClusterProbe probe = topology.probe();
        for (String stream : ClusterProbe.METRICS_STREAMS) {
            try {
                await().atMost(Duration.ofSeconds(30))
                        .pollInterval(Duration.ofMillis(250))
                        .until(() -> ClusterProbe.agree(probe.replicaStates(stream)));
            } catch (RuntimeException e) {
                note("replicas of " + stream + " diverge: "
                        + probe.replicaStates(stream).values());
            }
        }
    }

    /** Resend requests sent so far by either CentralHub (only the leader sends; a restart resets its count). */
    private static double resendRequests(List<CentralClient> centrals) {
        double sum = 0;
        for (CentralClient c : centrals) {
            try {
                sum += c.meter("dualhub_central_resend_requests_total");
            } catch (Exception e) {
                // a CentralHub that is down has sent nothing we can read
            }
        }
        return sum;
    }

    private long backlog() throws Exception {
        long total = 0;
        for (ChaosEdge e : topology.edges()) {
            total += e.backlog();
        }
        return total;
    }

    private Thread startBacklogSampler() {
        Thread t = new Thread(
                () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                        for (ChaosEdge e : topology.edges()) {
                            try {
                                maxBacklog.accumulateAndGet(e.backlog(), Math::max);
                            } catch (Exception ignored) {
                                // an edge that is down has no backlog to read
                            }
                        }
                        LockSupport.parkNanos(Duration.ofMillis(250).toNanos());
                    }
                },
                "backlog-sampler");
        t.setDaemon(true);
        t.start();
        return t;
    }
}
