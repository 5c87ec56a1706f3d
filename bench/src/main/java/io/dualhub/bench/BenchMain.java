package io.dualhub.bench;

import io.dualhub.testkit.NatsServerNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * {@code ./dualhub bench [ingest|forward|store|drain|export|e2e|footprint|peer|peer-vmagent|dashboard|all]
 * [--duration S] [--out DIR]}: measures each stage on real processes beside a reference measured in the same run,
 * prints the table and writes {@code bench.md} and {@code bench.json}. Exit status 2 on bad usage; a missed goal is
 * reported, not an error.
 */
public final class BenchMain {
    static final List<String> STAGES = List.of(
            "ingest", "forward", "store", "drain", "export", "e2e", "footprint", "peer", "peer-vmagent", "dashboard");
    private static final String USAGE = "usage: ./dualhub bench [" + String.join("|", STAGES) + "|all]... "
            + "[--duration SECONDS (>= 60, default 60: e2e, footprint, peer, peer-vmagent)] [--out DIR (default target/bench)]";

    private BenchMain() {}

    public static void main(String[] args) throws Exception {
        Set<String> stages = new LinkedHashSet<>();
        int duration = 60;
        Path out = Path.of("target/bench");
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--duration" -> duration = Integer.parseInt(value(args, ++i));
                case "--out" -> out = Path.of(value(args, ++i));
                case "all" -> stages.addAll(STAGES);
                default -> {
                    if (!STAGES.contains(args[i])) {
                        usage("unknown stage or flag '" + args[i] + "'");
                    }
                    stages.add(args[i]);
                }
            }
        }
        if (duration < 60) {
            usage("--duration " + duration + ": at least 60 seconds (the footprint is measured over a minute)");
        }
        Report report = new Report(machine(String.join(" ", args)));
        run(stages.isEmpty() ? new LinkedHashSet<>(STAGES) : stages, duration, report);
        System.out.print(report.table());
        report.write(out);
        System.out.println("written: " + out.resolve("bench.md") + ", " + out.resolve("bench.json"));
    }

    private static void run(Set<String> stages, int duration, Report report) throws Exception {
        Set<String> dataPath = new LinkedHashSet<>(stages);
        dataPath.retainAll(List.of("ingest", "forward", "store", "drain"));
        if (!dataPath.isEmpty()) {
            report.add(new DataPathBench().run(dataPath));
        }
        if (stages.contains("export")) {
            report.add(new ExportBench().run());
        }
        if (stages.contains("e2e")) {
            report.add(new E2eBench(duration).run());
        }
        if (stages.contains("footprint")) {
            report.add(new FootprintBench(duration).run());
        }
        if (stages.contains("peer")) {
            new PeerBench(duration).run(report);
        }
        if (stages.contains("peer-vmagent")) {
            new VmagentBench(duration).run(report);
        }
        if (stages.contains("dashboard")) {
            report.add(new DashboardBench().run());
        }
    }

    private static String value(String[] args, int i) {
        if (i >= args.length) {
            usage(args[i - 1] + " needs a value");
        }
        return args[i];
    }

    private static void usage(String problem) {
        System.err.println("dualhub bench: " + problem + "\n" + USAGE);
        System.exit(2);
    }

    /** The machine the figures were measured on. */
    static Map<String, String> machine(String command) throws Exception {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("command", "./dualhub bench " + command);
        m.put("date", Instant.now().toString());
        m.put(
                "cpu",
                firstValue(Path.of("/proc/cpuinfo"), "model name") + ", "
                        + Runtime.getRuntime().availableProcessors() + " cores");
        m.put("memory", firstValue(Path.of("/proc/meminfo"), "MemTotal"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("jdk", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
        m.put("nats-server", natsVersion());
        return m;
    }

    private static String firstValue(Path file, String key) throws Exception {
        for (String line : Files.readAllLines(file)) {
            if (line.startsWith(key)) {
                return line.substring(line.indexOf(':') + 1).strip();
            }
        }
        return "?";
    }

    private static String natsVersion() throws Exception {
        Process p = new ProcessBuilder(NatsServerNode.binary(), "--version")
                .redirectErrorStream(true)
                .start();
        String v = new String(p.getInputStream().readAllBytes()).strip();
        p.waitFor();
        return v;
    }
}
