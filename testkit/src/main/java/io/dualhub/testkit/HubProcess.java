package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A CentralHub or edge agent run from its built jar as a separate JVM, exactly as a user runs it, so drills can
 * kill -9 it and start it again on the same data directory. Healthy means its {@code /health} answers 200.
 */
public final class HubProcess {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    /**
     * The edge's heap and flags as its installers set them (deploy/install-hub.sh, the container image), which the
     * bench measures the edge on: a heap that starts at 8 MB instead of the whole 64, freed native memory handed back
     * every 10 s (after deploy/jvm.options, whose minute it replaces), and the C1 compiler only; install-hub.sh says
     * what each saves.
     */
    public static final List<String> INSTALLED_EDGE_HEAP = List.of(
            "-Xmx64m",
            "-XX:MaxMetaspaceSize=64m",
            "-Xss512k",
            "-Xms8m",
            "-XX:TrimNativeHeapInterval=10000",
            "-XX:TieredStopAtLevel=1");
    /** The CentralHub's heap as its installers set it: taken and touched whole at start. */
    public static final List<String> INSTALLED_CENTRAL_HEAP =
            List.of("-Xmx512m", "-Xms512m", "-XX:+AlwaysPreTouch", "-XX:MaxMetaspaceSize=128m", "-Xss512k");

    private final String name;
    private final String jarName;
    private final Path jar;
    private final List<String> args;
    private final Path log;
    private final int port;
    private final List<String> jvmOptions;
    private List<String> heap = List.of("-Xmx256m");
    private Map<String, String> env = Map.of();
    private OsProcess process;

    private HubProcess(String name, Path home, String jarName, List<String> args, Path log, int port) {
        this.name = name;
        this.jarName = jarName;
        this.jar = home.resolve(jarName);
        this.args = List.copyOf(args);
        this.log = log;
        this.port = port;
        this.jvmOptions = jvmOptions(home.resolve("deploy/jvm.options"));
        if (!Files.isRegularFile(jar)) {
            throw new IllegalStateException(jar + " is missing: build first (mvn -DskipTests package)");
        }
    }

    /** An edge agent: {@code args} are its command-line flags (--id, --nats, --data, --port, --config). */
    public static HubProcess edge(Path home, String name, List<String> args, Path log, int port) {
        return new HubProcess(name, home, "edge-hub/target/dualhub-edge.jar", args, log, port);
    }

    /** A CentralHub: {@code args} are its command-line flags (--instance, --nats, --data, --port, --config). */
    public static HubProcess central(Path home, String name, List<String> args, Path log, int port) {
        return new HubProcess(name, home, "central-hub/target/dualhub-central.jar", args, log, port);
    }

    /**
     * Starts the hub of {@code role} ("edge" or "central") on {@code config} as shipped, with only its NATS servers,
     * data directory and port moved into a test's reach, waits until it answers /health, and stops it: proof that a
     * shipped configuration is one the hub accepts. Fails with the hub's log when it does not start.
     */
    public static void startsOn(String role, Path config, Path workDir) {
        startsOn(role, config, workDir, Map.of());
    }

    /** The same with environment variables, as a service manager or an orchestrator would give the hub. */
    public static void startsOn(String role, Path config, Path workDir, Map<String, String> env) {
        int port = FreePorts.next();
        List<String> args = List.of(
                "--config",
                config.toString(),
                "--data",
                workDir.resolve(role + "-data").toString(),
                "--port",
                Integer.toString(port),
                "--nats",
                "nats://127.0.0.1:1");
        Path log = workDir.resolve(role + "-" + config.getFileName() + ".log");
        HubProcess hub = role.equals("edge")
                ? edge(home(), "staged-edge", args, log, port)
                : central(home(), "staged-central", args, log, port);
        try {
            hub.env(env).start();
        } finally {
            hub.stop();
        }
    }

    /** The repository root: {@code -Ddualhub.home}, else the working directory. */
    public static Path home() {
        return Path.of(System.getProperty("dualhub.home", ".")).toAbsolutePath().normalize();
    }

    /** The JVM flags in a jvm.options file (comments and blank lines left out). */
    public static List<String> jvmOptions(Path file) {
        try {
            return Files.readAllLines(file).stream()
                    .map(String::trim)
                    .filter(l -> !l.isEmpty() && !l.startsWith("#"))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /** The heap flags for the next start (256 MiB by default), e.g. the ones the service installers use. */
    public synchronized HubProcess heap(List<String> flags) {
        heap = List.copyOf(flags);
        return this;
    }

    /** Environment variables for the next start, beside this process's own (secrets a config names as env:). */
    public synchronized HubProcess env(Map<String, String> variables) {
        env = Map.copyOf(variables);
        return this;
    }

    /** The OS process id of the running hub. */
    public synchronized long pid() {
        return process.pid();
    }

    /** Starts the process; nothing when it is already running. */
    public synchronized HubProcess start() {
        if (isAlive()) {
            return this;
        }
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse("java"));
        cmd.addAll(jvmOptions);
        cmd.addAll(heap); // after deploy/jvm.options, as the installers put them: a later flag wins
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.addAll(args);
        process = OsProcess.start(name, cmd, log, env);
        awaitHealthy();
        return this;
    }

    public synchronized boolean isAlive() {
        return process != null && process.isAlive();
    }

    /** An edge agent's own view from {@code /health}: lastSeq, ackedSeq, backlog, natsServer, stream, ... */
    public JsonNode edgeStatus() throws IOException, InterruptedException {
        HttpResponse<String> resp = HTTP.send(healthRequest(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(resp.body()).path("details").path("edge").path("details");
    }

    /** True when the process is alive and its {@code /health} answers 200. */
    public boolean isHealthy() {
        try {
            return process.isAlive()
                    && HTTP.send(healthRequest(), HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private HttpRequest healthRequest() {
        return HttpRequest.newBuilder(URI.create(url() + "/health"))
                .timeout(Duration.ofSeconds(2))
                .build();
    }

    private void awaitHealthy() {
        awaitHealthy(name, process, URI.create(url() + "/health"));
    }

    /**
     * Waits until {@code health} answers 200, as a started hub's does; fails at once, naming the process's log, when
     * the process exits first.
     */
    public static void awaitHealthy(String name, OsProcess process, URI health) {
        HttpRequest req =
                HttpRequest.newBuilder(health).timeout(Duration.ofSeconds(2)).build();
        await(name + " healthy at " + health)
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(100))
                .ignoreExceptionsInstanceOf(IOException.class) // not listening yet; an exit is not ignored
                .until(() -> {
                    if (!process.isAlive()) {
                        throw new IllegalStateException(name + " exited during start-up; see " + process.log());
                    }
                    return HTTP.send(req, HttpResponse.BodyHandlers.discarding())
                                    .statusCode()
                            == 200;
                });
    }

    /**
     * The same hub (name, flags, data directory, port, log, heap, environment) run from the jars built under
     * {@code home}: how an upgrade or a rollback replaces this one. Not started.
     */
    public synchronized HubProcess from(Path home) {
        return new HubProcess(name, home, jarName, args, log, port).heap(heap).env(env);
    }

    public synchronized void kill9() {
        process.kill9();
    }

    public String name() {
        return name;
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(15));
        }
    }

    public String url() {
        return "http://127.0.0.1:" + port;
    }
}
