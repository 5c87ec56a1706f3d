package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

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
import java.util.function.IntPredicate;
import org.awaitility.core.ConditionTimeoutException;

/**
 * One real {@code nats-server -js} process with its own store directory and fixed ports, so it can be killed
 * and restarted on the same data, paused, or partitioned. Ready means its monitor answers {@code /healthz}.
 */
public final class NatsServerNode {
    private final String name;
    private final String host;
    private final List<String> prefix;
    private final int clientPort;
    private final int monitorPort;
    private final int clusterPort;
    private final List<String> routes;
    private final List<String> extraArgs;
    private final Path storeDir;
    private final Path workDir;
    private static final HttpClient MONITOR =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

    private OsProcess process;

    /**
     * A node listening on {@code host}, started through {@code prefix} (empty, or a network namespace's exec), with
     * a cluster port (0: no cluster), the route URLs of its peers, and further nats-server flags (auth, ...).
     */
    NatsServerNode(
            String name,
            Path workDir,
            String host,
            List<String> prefix,
            int clusterPort,
            List<String> routes,
            List<String> extraArgs) {
        this.name = name;
        this.host = host;
        this.prefix = List.copyOf(prefix);
        this.workDir = workDir;
        this.storeDir = workDir.resolve("store");
        this.clientPort = FreePorts.next();
        this.monitorPort = FreePorts.next();
        this.clusterPort = clusterPort;
        this.routes = List.copyOf(routes);
        this.extraArgs = List.copyOf(extraArgs);
    }

    /** The nats-server binary: {@code $NATS_SERVER}, else the one on the PATH, else Debian's. */
    public static String binary() {
        String env = System.getenv("NATS_SERVER");
        if (env != null && !env.isBlank()) {
            return env;
        }
        for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
            if (Files.isExecutable(Path.of(dir, "nats-server"))) {
                return Path.of(dir, "nats-server").toString();
            }
        }
        if (Files.isExecutable(Path.of("/usr/sbin/nats-server"))) {
            return "/usr/sbin/nats-server";
        }
        throw new IllegalStateException("nats-server not found: install it (Debian: apt-get install -y nats-server)"
                + " or set NATS_SERVER to its path");
    }

    /** Starts the process and waits until it is ready; nothing when it is running. */
    public synchronized void start() {
        launch();
        awaitReady();
    }

    /**
     * Starts the process without waiting for it to be ready: after a whole cluster went down a node reports ready
     * only once enough peers are back for JetStream, so the nodes are launched together and awaited after.
     */
    synchronized void launch() {
        if (process != null && process.isAlive()) {
            return;
        }
        try {
            Files.createDirectories(storeDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        process = OsProcess.start("nats-server " + name, command(), workDir.resolve("nats-server.log"));
    }

    private List<String> command() {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(
                binary(),
                "-js",
                "-sd",
                storeDir.toString(),
                "-a",
                host,
                "-p",
                Integer.toString(clientPort),
                "-m",
                Integer.toString(monitorPort),
                "-n",
                name));
        if (clusterPort > 0) {
            cmd.addAll(List.of(
                    "--cluster_name",
                    "dualhub-test",
                    "--cluster",
                    "nats://" + host + ":" + clusterPort,
                    "--routes",
                    String.join(",", routes)));
        }
        cmd.addAll(extraArgs);
        return cmd;
    }

    /** How long a started node may take to pass its health check. */
    public static final Duration READY_WITHIN = Duration.ofSeconds(30);

    synchronized void awaitReady() {
        awaitReady(READY_WITHIN);
    }

    /**
     * Waits for the node to pass its health check; a timeout says what {@code /healthz} answered last and how the
     * server's log ends, so a node that stays unhealthy names the stream or consumer it is stuck on.
     */
    synchronized void awaitReady(Duration within) {
        try {
            await("nats-server " + name + " ready on port " + clientPort)
                    .atMost(within)
                    .pollInterval(Duration.ofMillis(50))
                    .ignoreExceptionsInstanceOf(IOException.class)
                    .until(() -> {
                        if (!process.isAlive()) {
                            throw new IllegalStateException("nats-server " + name + " exited; " + process.log()
                                    + " ends:\n" + process.logTail(5));
                        }
                        return healthy();
                    });
        } catch (ConditionTimeoutException e) {
            throw new ConditionTimeoutException(e.getMessage() + "; /healthz answers " + healthReport() + "; "
                    + process.log() + " ends:\n" + process.logTail(5));
        }
    }

    /** What the monitor's {@code /healthz} answers right now: its status and body, or why it does not answer. */
    public String healthReport() {
        HttpRequest req = healthRequest();
        try {
            HttpResponse<String> answer = MONITOR.send(req, HttpResponse.BodyHandlers.ofString());
            return answer.statusCode() + " " + answer.body().strip();
        } catch (IOException e) {
            return "nothing (" + e + ")";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "nothing (interrupted)";
        }
    }

    /** Whether the server runs and its monitor's {@code /healthz} answers 200 (JetStream current) right now. */
    public boolean isReady() {
        return monitorSays(status -> status == 200);
    }

    /** Whether the server runs and its monitor answers at all (healthy or not): a paused or hung one does not. */
    public boolean answers() {
        return monitorSays(status -> status > 0);
    }

    private synchronized boolean monitorSays(IntPredicate status) {
        try {
            return process != null && process.isAlive() && status.test(healthStatus());
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean healthy() throws IOException, InterruptedException {
        return healthStatus() == 200;
    }

    private int healthStatus() throws IOException, InterruptedException {
        return MONITOR.send(healthRequest(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private HttpRequest healthRequest() {
        return HttpRequest.newBuilder(URI.create("http://" + host + ":" + monitorPort + "/healthz"))
                .timeout(Duration.ofSeconds(1))
                .build();
    }

    /** The OS process id of the server, -1 when it was never started. */
    public synchronized long pid() {
        return process == null ? -1 : process.pid();
    }

    /** kill -9, leaving the store as a crash leaves it. */
    public synchronized void kill() {
        if (process != null) {
            process.kill9();
        }
    }

    public synchronized void stop() {
        if (process != null) {
            process.stop(Duration.ofSeconds(10));
        }
    }

    public synchronized void restart() {
        kill();
        start();
    }

    /**
     * Stops the node, deletes its store (its replica of every stream and its Raft state) and starts it empty under the
     * same name, as after a replaced disk: it rejoins as the same peer (a Raft peer's id derives from the server name)
     * and its peers catch every stream up on it. What an operator does with a replica nats-server 2.9 leaves
     * different from the others for good; only for a cluster whose other nodes hold a quorum.
     */
    public synchronized void rebuild() {
        stop();
        NatsFixture.deleteTree(storeDir);
        start();
    }

    /** The node's JetStream store directory. */
    public Path storeDir() {
        return storeDir;
    }

    public synchronized void pause() {
        process.pause();
    }

    public synchronized void resume() {
        process.resume();
    }

    public String url() {
        return "nats://" + host + ":" + clientPort;
    }

    /** The address the node listens on: loopback, or its network namespace's. */
    public String host() {
        return host;
    }

    public int clientPort() {
        return clientPort;
    }

    public int monitorPort() {
        return monitorPort;
    }

    public String name() {
        return name;
    }
}
