package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The hubs of one drill: CentralHubs and edge agents started from the built jars against the given NATS servers,
 * each with its config file, data directory and log under the drill's directory and a free port; closing stops them
 * all. As a JUnit extension ({@code @RegisterExtension final Hubs hubs = Hubs.on(NATS);}) it gives each test a fresh
 * directory (deleted after it passes, kept with the hubs' logs when it fails) and stops the test's hubs after it.
 * A security drill names the secrets it hands the hubs ({@link #secret}); after each test every log under the
 * drill's directory is read and the test fails when one of them holds one of those secrets.
 */
public final class Hubs implements AutoCloseable, BeforeEachCallback, AfterEachCallback {
    private final NatsFixture nats;
    private final List<HubProcess> started = new ArrayList<>();
    private final Map<String, String> secrets = new LinkedHashMap<>(); // what it is -> its value
    private Path dir;
    private String natsUrls;
    private boolean installedHeaps;

    public Hubs(Path dir, String natsUrls) {
        this.nats = null;
        this.dir = dir;
        this.natsUrls = natsUrls;
    }

    private Hubs(NatsFixture nats) {
        this.nats = nats;
    }

    /** Hubs for each test of a class, against the class's NATS fixture. */
    public static Hubs on(NatsFixture nats) {
        return new Hubs(nats);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("dualhub-drill-");
        natsUrls = nats.urls();
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        close();
        List<String> leaks = secretsInLogs();
        if (!leaks.isEmpty()) {
            throw new AssertionError("secrets in the hubs' logs (kept in " + dir + "): " + String.join("; ", leaks));
        }
        if (context.getExecutionException().isEmpty()) {
            NatsFixture.deleteTree(dir);
        }
    }

    /**
     * Names a secret this drill hands a hub (a password, token or seed): no log of the drill may contain it. Lines of
     * a multi-line secret (a PEM key) count each.
     */
    public Hubs secret(String what, String value) {
        List<String> lines = value.strip()
                .lines()
                .map(String::strip)
                .filter(l -> l.length() >= 8 && !l.startsWith("-----"))
                .toList();
        for (int i = 0; i < lines.size(); i++) {
            secrets.put(lines.size() == 1 ? what : what + " (line " + (i + 1) + ")", lines.get(i));
        }
        return this;
    }

    /** Each registered secret found in a log under the drill's directory, as "what in file" (never the value). */
    List<String> secretsInLogs() throws IOException {
        List<String> leaks = new ArrayList<>();
        if (secrets.isEmpty() || dir == null || !Files.isDirectory(dir)) {
            return leaks;
        }
        List<Path> logs;
        try (Stream<Path> files = Files.walk(dir)) {
            logs = files.filter(f -> f.getFileName().toString().endsWith(".log") && Files.isRegularFile(f))
                    .toList();
        }
        for (Path log : logs) {
            String text = Files.readString(log, StandardCharsets.ISO_8859_1);
            secrets.forEach((what, value) -> {
                if (text.contains(value)) {
                    leaks.add(what + " in " + dir.relativize(log));
                }
            });
        }
        return leaks;
    }

    /** This drill's directory: configs, data and logs of its hubs. */
    public Path dir() {
        return dir;
    }

    /**
     * From now on every hub started without heap flags of its own gets the heap its installers give its role
     * ({@link HubProcess#INSTALLED_EDGE_HEAP}, {@link HubProcess#INSTALLED_CENTRAL_HEAP}) instead of the drills' one.
     */
    public Hubs withInstalledHeaps() {
        installedHeaps = true;
        return this;
    }

    /**
     * Starts CentralHub {@code instance} with the given YAML config (may be empty); data in {@code <dir>/<instance>}.
     */
    public HubProcess central(String instance, String yaml) {
        return central(instance, yaml, dir.resolve(instance));
    }

    /** Starts CentralHub {@code instance} with its store in the given directory. */
    public HubProcess central(String instance, String yaml, Path data) {
        return central(instance, yaml, data, HubProcess.home());
    }

    /** The same from the jars built under {@code home} (an {@link OldRelease}, or this checkout). */
    public HubProcess central(String instance, String yaml, Path data, Path home) {
        int port = FreePorts.next();
        HubProcess hub = HubProcess.central(
                home, instance, args("--instance", instance, yaml, data, port), dir.resolve(instance + ".log"), port);
        return start(installedHeaps ? hub.heap(HubProcess.INSTALLED_CENTRAL_HEAP) : hub);
    }

    /**
     * CentralHubs {@code c1} and {@code c2} with the same config: c1 is started and awaited as leader before c2
     * starts, so c2 is the standby. Returned in that order.
     */
    public List<HubProcess> leaderAndStandby(String yaml) {
        HubProcess leader = central("c1", yaml);
        CentralClient api = new CentralClient(leader.url());
        await("c1 leads").atMost(Duration.ofSeconds(20)).ignoreExceptions().until(api::isLeader);
        return List.of(leader, central("c2", yaml));
    }

    /** Starts edge {@code id} with the given YAML config (may be empty); data in {@code <dir>/<id>}. */
    public HubProcess edge(String id, String yaml) {
        return edge(id, yaml, natsUrls, dir.resolve(id));
    }

    /** Starts edge {@code id} with the given YAML config and heap flags instead of the drills' default heap. */
    public HubProcess edge(String id, String yaml, List<String> heap) {
        int port = FreePorts.next();
        return start(HubProcess.edge(
                        HubProcess.home(),
                        id,
                        args("--id", id, yaml, dir.resolve(id), port),
                        dir.resolve(id + ".log"),
                        port)
                .heap(heap));
    }

    /** Starts edge {@code id} with its own server list and data directory. */
    public HubProcess edge(String id, String yaml, String servers, Path data) {
        return edge(id, yaml, servers, data, HubProcess.home());
    }

    /** The same from the jars built under {@code home} (an {@link OldRelease}, or this checkout). */
    public HubProcess edge(String id, String yaml, String servers, Path data, Path home) {
        int port = FreePorts.next();
        List<String> args = new ArrayList<>(args("--id", id, yaml, data, port));
        args.set(args.indexOf("--nats") + 1, servers);
        HubProcess edge = HubProcess.edge(home, id, args, dir.resolve(id + ".log"), port);
        return start(installedHeaps ? edge.heap(HubProcess.INSTALLED_EDGE_HEAP) : edge);
    }

    private List<String> args(String nameFlag, String name, String yaml, Path data, int port) {
        List<String> args = new ArrayList<>(List.of(
                nameFlag, name, "--nats", natsUrls, "--data", data.toString(), "--port", Integer.toString(port)));
        if (!yaml.isEmpty()) {
            Path config = dir.resolve(name + ".yml");
            try {
                Files.writeString(config, yaml);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            args.addAll(List.of("--config", config.toString()));
        }
        return args;
    }

    /** Stops {@code running} (SIGTERM) and starts the same hub from the jars under {@code home}: one upgrade step. */
    public HubProcess replace(HubProcess running, Path home) {
        running.stop();
        started.remove(running);
        return start(running.from(home));
    }

    private HubProcess start(HubProcess p) {
        started.add(p);
        return p.start();
    }

    @Override
    public void close() {
        for (int i = started.size() - 1; i >= 0; i--) {
            started.get(i).stop();
        }
        started.clear();
    }
}
