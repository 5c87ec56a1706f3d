package io.dualhub.bench;

import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.LineLoad;
import io.dualhub.testkit.RemoteWriteReceiver;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.stream.Collectors;

/**
 * Export: a running CentralHub catching up on a backlog of {@value DataPathBench#POINTS} points after its
 * remote-write receiver, a real VictoriaMetrics, was down while they were stored (so export runs alone), beside a
 * plain remote-write client sending the very same requests (recorded on the way) to a second VictoriaMetrics in the
 * same run. A hub runs for months, so its rate is what it exports with its export path compiled: after a first
 * catch-up of {@value DataPathBench#WARMUP_POINTS} points (reported beside it) and {@value #WARMUPS} more of the timed
 * size, whose rates still rise from one to the next while the JIT compiles. A timed transfer lasts one or two seconds,
 * so both figures are the median of {@value #RUNS} runs, each a catch-up of the hub and then the plain client sending
 * the requests it recorded. Beside them, the CPU each side took per sample (from {@code /proc/<pid>/stat}): the hub
 * and its receiver share the machine's cores with NATS and the relay. Needs Debian's victoria-metrics; without it the
 * stage says so and is left out.
 */
final class ExportBench {
    private static final String NAME = "export: streams -> remote write -> VictoriaMetrics";
    private static final int WARMUPS = 2;
    private static final int RUNS = 3;

    private final Report report;

    ExportBench(Report report) {
        this.report = report;
    }

    /** One timed transfer of {@code samples}: per second, and the CPU seconds each process of it took meanwhile. */
    private record Transfer(long samples, double samplesPerSecond, double senderCpuSeconds, double receiverCpuSeconds) {
        double senderMicrosPerSample() {
            return senderCpuSeconds * 1e6 / samples;
        }

        double receiverMicrosPerSample() {
            return receiverCpuSeconds * 1e6 / samples;
        }
    }

    List<Result> run() throws Exception {
        if (RemoteWriteReceiver.missing().isPresent()) {
            System.out.println(
                    "export stage left out: " + RemoteWriteReceiver.missing().get());
            return List.of();
        }
        try (Topology topo = new Topology();
                RemoteWriteReceiver ours =
                        RemoteWriteReceiver.victoriaMetrics(topo.dir().resolve("vm-export"));
                RemoteWriteReceiver plain =
                        RemoteWriteReceiver.victoriaMetrics(topo.dir().resolve("vm-plain"));
                RecordingProxy proxy = new RecordingProxy(URI.create(ours.writeUrl()))) {
            proxy.refuse();
            // the replay window is a recovery's cost, not the steady rate: left out here; a short backoff, so the
            // exporter comes back within a second of the receiver
            HubProcess central = topo.central(
                    "bench",
                    "export:\n  replay-window: 0s\n  max-backoff: 1s\n  remote-write:\n    urls: " + proxy.url()
                            + "\n");
            topo.streamsReady("bench");
            Backlog backlog = new Backlog(topo.edge("bench-edge", Topology.EDGE_YAML), central, ours.pid(), proxy);
            double first =
                    backlog.catchUp("warmup", DataPathBench.WARMUP_POINTS).samplesPerSecond();
            List<Double> warmups = new ArrayList<>();
            for (int i = 0; i < WARMUPS; i++) {
                warmups.add(backlog.catchUp("warmup" + i, DataPathBench.POINTS).samplesPerSecond());
            }
            List<Transfer> hub = new ArrayList<>();
            List<Transfer> reference = new ArrayList<>();
            for (int run = 0; run < RUNS; run++) {
                hub.add(backlog.catchUp("bench" + run, DataPathBench.POINTS));
                reference.add(replay(URI.create(plain.writeUrl()), plain.pid(), proxy.bodies()));
            }
            topo.done();
            report.note(String.format(
                    "export: the catch-ups of %,d samples before the timed ones: %s samples/s; the timed ones: %s,"
                            + " the plain client's: %s samples/s; CPU per sample of the hub (the relay in front of the"
                            + " receiver took %s) and of the plain client: %s and %s µs; of the receivers: %s and %s µs",
                    DataPathBench.POINTS,
                    rounded(warmups),
                    rounded(hub, Transfer::samplesPerSecond),
                    rounded(reference, Transfer::samplesPerSecond),
                    backlog.relayMicrosPerSample(),
                    rounded(hub, Transfer::senderMicrosPerSample),
                    rounded(reference, Transfer::senderMicrosPerSample),
                    rounded(hub, Transfer::receiverMicrosPerSample),
                    rounded(reference, Transfer::receiverMicrosPerSample)));
            double rate = median(hub, Transfer::samplesPerSecond);
            return List.of(
                    Result.of(
                            NAME,
                            rate,
                            "samples/s",
                            median(reference, Transfer::samplesPerSecond),
                            Goal.ratioAtLeast(0.8)),
                    Result.of(NAME + " (absolute)", rate, "samples/s", null, Goal.atLeast(500_000, "samples/s")),
                    Result.of(
                            "export: the first 1,000,000 samples after start (JIT warming up)",
                            first,
                            "samples/s",
                            null,
                            null),
                    Result.of(
                            "export: CPU of the CentralHub per sample exported",
                            median(hub, Transfer::senderMicrosPerSample),
                            "µs",
                            null,
                            null),
                    Result.of(
                            "export: CPU of the receiver per sample (the hub's vs the plain client's)",
                            median(hub, Transfer::receiverMicrosPerSample),
                            "µs",
                            median(reference, Transfer::receiverMicrosPerSample),
                            null));
        }
    }

    /** The plain client sending {@code bodies} to the receiver at {@code url} (process {@code receiverPid}). */
    private static Transfer replay(URI url, long receiverPid, List<byte[]> bodies) throws Exception {
        ProcStats client = new ProcStats(ProcessHandle.current().pid());
        ProcStats receiver = new ProcStats(receiverPid);
        client.sample();
        receiver.sample();
        double seconds = RemoteWriteRequests.send(url, bodies);
        client.sample();
        receiver.sample();
        return new Transfer(
                DataPathBench.POINTS, DataPathBench.POINTS / seconds, client.cpuSeconds(), receiver.cpuSeconds());
    }

    private static double median(List<Transfer> runs, ToDoubleFunction<Transfer> figure) {
        double[] sorted = runs.stream().mapToDouble(figure).sorted().toArray();
        return sorted[sorted.length / 2];
    }

    private static String rounded(List<Transfer> runs, ToDoubleFunction<Transfer> figure) {
        return rounded(runs.stream().map(figure::applyAsDouble).toList());
    }

    private static String rounded(List<Double> figures) {
        return figures.stream()
                .map(f -> f < 100 ? String.format("%.3f", f) : String.format("%,.0f", f))
                .collect(Collectors.joining(", "));
    }

    /**
     * The hub's backlog, made and exported again and again: the edge writing into it while the relay in front of
     * the receiver refuses, then the relay forwarding.
     */
    private static final class Backlog {
        private final HubProcess edge;
        private final HubProcess central;
        private final CentralClient api;
        private final long receiverPid;
        private final RecordingProxy proxy;
        private final List<Double> relayMicros = new ArrayList<>();
        private long stored;

        Backlog(HubProcess edge, HubProcess central, long receiverPid, RecordingProxy proxy) {
            this.edge = edge;
            this.central = central;
            this.api = new CentralClient(central.url());
            this.receiverPid = receiverPid;
            this.proxy = proxy;
        }

        /**
         * Takes the receiver down, writes {@code points} meanwhile, waits until the hub stored them, then lets the
         * relay forward; the rate is from its first request to its last answer.
         */
        Transfer catchUp(String measurement, long points) throws Exception {
            proxy.refuse();
            new LineLoad(edge.url(), measurement).burst(points, DataPathBench.CONNECTIONS, 5_000);
            Topology.drained(edge);
            Topology.stored(api, stored + points);
            stored += points;
            ProcStats hub = new ProcStats(central.pid());
            ProcStats receiver = new ProcStats(receiverPid);
            ProcStats relay = new ProcStats(ProcessHandle.current().pid());
            hub.sample();
            receiver.sample();
            relay.sample();
            proxy.forwardAnew();
            await("exported " + stored)
                    .atMost(Duration.ofMinutes(10))
                    .pollInterval(Duration.ofMillis(250)) // the time is the proxy's: asking more often costs the hub
                    .ignoreExceptions()
                    .until(() -> api.get("/api/v1/export")
                                    .get(0)
                                    .path("samplesExported")
                                    .asLong()
                            >= stored);
            hub.sample();
            receiver.sample();
            relay.sample();
            relayMicros.add(relay.cpuSeconds() * 1e6 / points);
            return new Transfer(
                    points,
                    points / ((proxy.lastNanos() - proxy.firstNanos()) / 1e9),
                    hub.cpuSeconds(),
                    receiver.cpuSeconds());
        }

        /** The relay's CPU per sample over the timed catch-ups (the last {@value #RUNS}). */
        String relayMicrosPerSample() {
            return rounded(relayMicros.subList(relayMicros.size() - RUNS, relayMicros.size()));
        }
    }
}
