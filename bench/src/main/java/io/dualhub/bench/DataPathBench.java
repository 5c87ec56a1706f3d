package io.dualhub.bench;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.nats.client.JetStreamManagement;
import io.nats.client.api.StreamState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The throughput of each stage of the data path, in the order data takes it, on one topology: ingest (HTTP line
 * protocol into the edge's disk buffer, NATS down so nothing else runs), forward (that backlog to JetStream, timed
 * from the first batch the streams stored after NATS is back to the last, by the server's timestamps, so reconnecting
 * is not counted; the CentralHub stopped), store
 * (the CentralHub consuming and committing it), drain (the backlog of a
 * 10-minute outage at 10,000 points/s, forwarded and stored). Each beside plain jnats (or plain HTTP) doing the
 * same transfer on the same machine in the same run.
 */
final class DataPathBench {
    static final long POINTS = 3_000_000;
    /**
     * Written before the ingest burst is timed, to the edge and to the discarding server alike: an agent runs for
     * months, so what it takes once the JIT has compiled its write and forward paths is its rate; the first burst is
     * reported too.
     */
    static final long WARMUP_POINTS = 1_000_000;
    /** What the streams hold once the timed backlog is forwarded, and the store stage commits. */
    static final long STREAMED = WARMUP_POINTS + POINTS;

    static final int LINES_PER_REQUEST = 5_000;
    static final int CONNECTIONS = 4;
    static final int FORWARD_WINDOW = 64; // the edge's forward.window default
    private static final int REFERENCE_RUNS = 3;
    static final int FETCH_BATCH = 500; // the CentralHub's ingest.fetch-batch default
    static final int OUTAGE_RATE = 10_000;
    static final long OUTAGE_POINTS = OUTAGE_RATE * 600L;
    private static final List<String> METRICS_STREAMS = List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B");

    List<Result> run(Set<String> stages) throws Exception {
        List<Result> results = new ArrayList<>();
        try (Topology topo = new Topology()) {
            HubProcess central = topo.central("bench");
            CentralClient api = new CentralClient(central.url());
            topo.streamsReady("bench");
            central.stop(); // streams and its consumer exist; it consumes nothing until the store stage
            // on the heap and flags its installers give it: what runs on a user's machine
            HubProcess edge = topo.edge("bench-edge", Topology.EDGE_YAML, HubProcess.INSTALLED_EDGE_HEAP);
            // written with NATS up and forwarded as it comes, so both the write and the forward path are compiled
            // before either is timed
            double first = burst(edge.url(), "warmup", WARMUP_POINTS);
            Topology.drained(edge);
            long warmupBytes = streamBytes(topo);
            Map<String, Long> before = lastSequences(topo);
            topo.node().stop();

            double ingest = burst(edge.url(), "bench", POINTS);
            if (stages.contains("ingest")) {
                results.add(Result.of(
                        "ingest: HTTP line protocol -> edge disk buffer",
                        ingest,
                        "points/s",
                        nullSinkRate(),
                        Goal.atLeast(1_000_000, "points/s")));
                results.add(Result.of(
                        "ingest: the first 1,000,000 points after start (JIT warming up)",
                        first,
                        "points/s",
                        null,
                        null));
            }

            topo.node().start();
            Topology.drained(edge);
            double forwardSeconds = storedSpan(topo, before);
            RawJetStream raw = new RawJetStream(topo.nats());
            if (stages.contains("forward")) {
                results.addAll(forward(topo, raw, forwardSeconds, warmupBytes));
            }

            if (stages.contains("store")) {
                double rawSeconds = 0;
                for (String stream : METRICS_STREAMS) {
                    rawSeconds += raw.consume(stream, state(topo, stream).getMsgCount(), FETCH_BATCH);
                }
                central.start();
                results.add(Result.of(
                        "store: CentralHub consume -> commit",
                        Topology.storeRate(api, STREAMED),
                        "points/s",
                        STREAMED / rawSeconds,
                        Goal.atLeast(1_000_000, "points/s")));
            } else {
                central.start();
                Topology.stored(api, STREAMED);
            }

            if (stages.contains("drain")) {
                results.add(drain(topo, edge, api));
            }
            raw.drop();
            topo.done();
        }
        return results;
    }

    /**
     * Forward rate of the timed backlog in points/s and MB/s, each beside plain async publishing of every payload the
     * streams hold (the warm-up's too).
     */
    private List<Result> forward(Topology topo, RawJetStream raw, double seconds, long warmupBytes) throws Exception {
        long bytes = streamBytes(topo);
        List<byte[]> payloads = new ArrayList<>();
        for (String stream : METRICS_STREAMS) {
            payloads.addAll(raw.payloads(stream));
        }
        // The transfer takes a fraction of a second, and the first run of a JVM's publishing is slower than the
        // next ones (the JIT): the median of three is the reference's figure.
        double[] runs = new double[REFERENCE_RUNS];
        for (int i = 0; i < runs.length; i++) {
            runs[i] = raw.publish(payloads, FORWARD_WINDOW, "forward-" + i);
        }
        Arrays.sort(runs);
        double rawSeconds = runs[runs.length / 2];
        return List.of(
                Result.of(
                        "forward: edge buffer -> JetStream",
                        POINTS / seconds,
                        "points/s",
                        STREAMED / rawSeconds,
                        Goal.ratioAtLeast(0.8)),
                Result.of(
                        "forward: bytes",
                        (bytes - warmupBytes) / seconds / 1e6,
                        "MB/s",
                        bytes / rawSeconds / 1e6,
                        null));
    }

    /** The backlog of a 10-minute outage at 10,000 points/s, forwarded and stored, from NATS coming back. */
    private Result drain(Topology topo, HubProcess edge, CentralClient api) throws Exception {
        long before = api.pointsStored();
        topo.node().stop();
        new LineLoad(edge.url(), "outage").burst(OUTAGE_POINTS, CONNECTIONS, LINES_PER_REQUEST);
        long start = System.nanoTime();
        topo.node().start();
        Topology.stored(api, before + OUTAGE_POINTS);
        double rate = OUTAGE_POINTS / ((System.nanoTime() - start) / 1e9);
        return Result.of(
                "drain: 10-min outage backlog (6,000,000 points) forwarded + stored",
                rate,
                "points/s",
                (double) OUTAGE_RATE,
                Goal.ratioAtLeast(20));
    }

    private static double nullSinkRate() throws Exception {
        try (NullSink sink = new NullSink()) {
            burst(sink.url(), "warmup", WARMUP_POINTS);
            return burst(sink.url(), "bench", POINTS);
        }
    }

    /** Writes {@code points} of {@code measurement} as the stage does; returns points/s. */
    private static double burst(String url, String measurement, long points) throws Exception {
        return points / new LineLoad(url, measurement).burst(points, CONNECTIONS, LINES_PER_REQUEST);
    }

    /** Each metrics stream's last sequence. */
    private static Map<String, Long> lastSequences(Topology topo) throws Exception {
        Map<String, Long> last = new HashMap<>();
        for (String stream : METRICS_STREAMS) {
            last.put(stream, state(topo, stream).getLastSequence());
        }
        return last;
    }

    /**
     * Seconds from the first message the metrics streams stored after {@code before} (each stream's last sequence
     * then) to the last, by the server's own timestamps: the transfer lasts a fraction of a second, so it is not timed
     * by asking the edge whether it is done (a poll every 20 ms) but where the batches landed.
     */
    private static double storedSpan(Topology topo, Map<String, Long> before) throws Exception {
        JetStreamManagement jsm = topo.nats().jetStreamManagement();
        Instant first = null;
        Instant last = null;
        for (String stream : METRICS_STREAMS) {
            long lastSeq = state(topo, stream).getLastSequence();
            if (lastSeq <= before.get(stream)) {
                continue;
            }
            Instant from =
                    jsm.getMessage(stream, before.get(stream) + 1).getTime().toInstant();
            Instant to = jsm.getMessage(stream, lastSeq).getTime().toInstant();
            first = first == null || from.isBefore(first) ? from : first;
            last = last == null || to.isAfter(last) ? to : last;
        }
        if (first == null) {
            throw new IllegalStateException("BUG: the backlog was forwarded but no stream holds a message more");
        }
        return Duration.between(first, last).toNanos() / 1e9;
    }

    /** The payload bytes both metrics streams hold. */
    private static long streamBytes(Topology topo) throws Exception {
        long bytes = 0;
        for (String stream : METRICS_STREAMS) {
            bytes += state(topo, stream).getByteCount();
        }
        return bytes;
    }

    private static StreamState state(Topology topo, String stream) throws Exception {
        JetStreamManagement jsm = topo.nats().jetStreamManagement();
        return jsm.getStreamInfo(stream).getStreamState();
    }
}
