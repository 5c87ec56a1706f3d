package io.dualhub.chaos.run;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.config.Settings;
import io.dualhub.testkit.NatsServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ./dualhub soak}: the chaos topology (3 NATS nodes, 2 CentralHubs, N edges) under steady sequenced load for
 * a long time, a random scenario of the chaos catalogue run every {@code --fault-every} (each with its own load and
 * its own exactly-once count), every process sampled every {@code --sample-every} ({@link SoakSampler}); then
 * {@code soak.md} and {@code soak.json} ({@link SoakReport}). Exits 1 when a point was lost or stored twice or a
 * judged figure missed its goal, 2 on bad usage.
 */
@Command(
        name = "dualhub soak",
        description = "The chaos topology under steady load for a long time, with a random fault every few minutes.")
public final class SoakMain implements Callable<Integer> {
    @Option(
            names = "--duration",
            paramLabel = "DURATION",
            defaultValue = "1h",
            converter = DurationFlag.class,
            description = "how long the soak runs, at least 2m (default ${DEFAULT-VALUE})")
    Duration duration;

    @Option(names = "--edges", paramLabel = "N", defaultValue = "" + SoakOptions.DEFAULT_EDGES, description = "1-10")
    int edges;

    @Option(names = "--rate", paramLabel = "POINTS_PER_S", description = "over all edges (default 100 per edge)")
    Integer rate;

    @Option(
            names = "--fault-every",
            paramLabel = "DURATION",
            defaultValue = "3m",
            converter = DurationFlag.class,
            description = "a random fault this often (default ${DEFAULT-VALUE})")
    Duration faultEvery;

    @Option(
            names = "--sample-every",
            paramLabel = "DURATION",
            defaultValue = "1m",
            converter = DurationFlag.class,
            description = "every process sampled this often (default ${DEFAULT-VALUE})")
    Duration sampleEvery;

    @Option(
            names = "--warmup",
            paramLabel = "DURATION",
            converter = DurationFlag.class,
            description = "samples left out of the slopes (default 10m, a third of a shorter soak)")
    Duration warmup;

    @Option(names = "--report", paramLabel = "DIR", defaultValue = "target/soak", description = "for soak.md, .json")
    Path report;

    @Option(names = "--seed", paramLabel = "N", description = "of the random choice of faults")
    Long seed;

    public static void main(String[] args) {
        Cli.exit(new SoakMain(), args);
    }

    @Override
    public Integer call() throws Exception {
        return run(options()) ? 0 : 1;
    }

    /** The flags given, each bound checked. */
    SoakOptions options() {
        return Cli.valid(() -> SoakOptions.of(duration, edges, rate, faultEvery, sampleEvery, warmup, report, seed));
    }

    private static boolean run(SoakOptions options) throws Exception {
        NatsServerNode.binary();
        Path dir = Files.createTempDirectory("dualhub-soak-");
        long started = System.nanoTime();
        Consumer<String> progress = line -> System.out.printf("%7.1fs %s%n", (System.nanoTime() - started) / 1e9, line);
        String topologyLine = String.format(
                "Topology: 3-node NATS cluster (R3), 2 CentralHubs, %d edges, each on"
                        + " its installed heap; load %d points/s; a random fault every %s (seed %d).",
                options.edges(), options.rate(), Settings.text(options.faultEvery()), options.seed());
        progress.accept(topologyLine + " Working directory " + dir);
        SoakReport report = Topology.during(
                dir, options.edges(), true, progress, topology -> soak(options, topology, topologyLine, progress));
        report.write(options.reportDir());
        System.out.println();
        System.out.print(report.markdown());
        System.out.println("report: " + options.reportDir().resolve("soak.md") + ", soak.json");
        Topology.keepLogsIfFailed(dir, report.passed());
        return report.passed();
    }

    private static SoakReport soak(
            SoakOptions options, Topology topology, String topologyLine, Consumer<String> progress)
            throws InterruptedException {
        Clock clock = Clock.systemUTC();
        SoakSampler sampler = new SoakSampler(topology, clock);
        ScheduledExecutorService sampling = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "soak-sampler");
            t.setDaemon(true);
            return t;
        });
        long start = clock.millis();
        sampling.scheduleAtFixedRate(
                sampler::sampleAll, 0, options.sampleEvery().toMillis(), TimeUnit.MILLISECONDS);
        List<Scenario> catalogue = Scenarios.all();
        Random random = new Random(options.seed());
        Phases phases = phases(options.faultEvery());
        List<ScenarioResult> results = new ArrayList<>();
        List<String> skipped = new ArrayList<>();
        long end = start + options.duration().toMillis();
        for (int run = 1; clock.millis() < end; run++) { // the last fault may end after the duration
            Scenario s = catalogue.get(random.nextInt(catalogue.size()));
            progress.accept(
                    String.format("soak: fault %d, %s, %d min left", run, s.name(), (end - clock.millis()) / 60_000));
            ScenarioResult r = ChaosMain.runOne(
                    s,
                    "soak_" + run + "_" + s.name().replace('-', '_'),
                    topology,
                    phases,
                    options.rate(),
                    progress,
                    skipped);
            if (r != null) {
                results.add(r);
            }
        }
        sampling.shutdown();
        sampling.awaitTermination(1, TimeUnit.MINUTES);
        sampler.sampleAll();
        Set<String> hubs = new HashSet<>();
        topology.centrals().forEach(c -> hubs.add(c.name()));
        topology.edges().forEach(e -> hubs.add(e.id()));
        return new SoakReport(
                options,
                topologyLine,
                sampler.samples(),
                hubs,
                results,
                skipped,
                topology.replicaRestarts(),
                start,
                clock.millis());
    }

    /**
     * The chaos catalogue's full fault lengths, with steady load before and after each fault filling the rest of
     * the interval (an outage of the whole cluster, the longest fault, lasts a minute).
     */
    static Phases phases(Duration faultEvery) {
        Duration lead = faultEvery.minus(Phases.FULL.outage()).dividedBy(2);
        Phases full = Phases.FULL;
        return new Phases(
                lead.compareTo(full.lead()) > 0 ? lead : full.lead(),
                full.fault(),
                full.outage(),
                full.centrals(),
                full.storm(),
                full.pause());
    }
}
