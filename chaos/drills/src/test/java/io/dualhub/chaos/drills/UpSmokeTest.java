package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.FreePorts;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.OsProcess;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's first command, run as a user runs it: {@code ./dualhub up} brings up NATS, a CentralHub and an edge
 * for this host; host metrics arrive and the edge shows ONLINE; Ctrl-C (SIGINT) stops all three, freeing the ports;
 * a port already in use stops a second run before anything starts, naming the flag.
 */
class UpSmokeTest {
    @TempDir
    Path dir;

    private DualhubUp up;

    @AfterEach
    void stop() {
        if (up != null) {
            up.close();
        }
    }

    @Test
    void upRunsTheSystemAndCtrlCStopsIt() throws Exception {
        Path home = HubProcess.home();
        up = DualhubUp.start(dir);
        int nats = up.natsPort();
        int central = up.centralPort();
        int edge = up.edgePort();

        CentralClient api = up.central();
        await("this host's edge ONLINE with host metrics stored")
                .atMost(Duration.ofMinutes(3))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    JsonNode edges = api.get("/api/v1/edges");
                    return edges.size() == 1
                            && edges.get(0).path("state").asText().equals("ONLINE")
                            && !api.values("host_memory_total_bytes").isEmpty();
                });
        assertThat(api.values("host_uptime_seconds")).isNotEmpty();
        await("capacity forecasts for this host")
                .atMost(Duration.ofMinutes(2))
                .pollInterval(Duration.ofSeconds(1))
                .ignoreExceptions()
                .until(() -> api.get("/api/v1/predictions").size() > 0);
        assertThat(api.get("/api/v1/predictions").get(0).path("summary").asText())
                .contains("on edge ");
        assertThat(api.get("/api/v1/alerts"))
                .as("no alert on a fresh, idle machine")
                .isEmpty();
        await("performance numbers for this host's edge")
                .atMost(Duration.ofMinutes(1))
                .ignoreExceptions()
                .until(() -> {
                    JsonNode perf = api.get("/api/v1/performance").path("edges").get(0);
                    return perf.path("collectToStored").path("p99Ms").asDouble() > 0
                            && perf.path("publishAck").path("p99Ms").asDouble() > 0
                            && perf.path("pointsPerSecond").asDouble() > 0;
                });
        assertThat(api.get("/api/v1/anomalies").isArray()).isTrue();
        assertThat(Files.readString(dir.resolve("up.log")))
                .contains("dualhub is up", "dashboard        http://127.0.0.1:" + central + "/");

        String status = run(home, dir.resolve("status.log"), "status", "--central", "http://127.0.0.1:" + central);
        assertThat(status).contains("CentralHub http://127.0.0.1:" + central, "leader", "EDGE", "STATE", "ONLINE");
        String edgeStatus =
                run(home, dir.resolve("edge-status.log"), "edge-status", "--edge", "http://127.0.0.1:" + edge);
        assertThat(edgeStatus).contains(": UP", "writable", "CONNECTED", "circuit breaker CLOSED");

        OsProcess second = OsProcess.start(
                "second up",
                List.of(
                        home.resolve("dualhub").toString(),
                        "up",
                        "--nats-port",
                        Integer.toString(FreePorts.next()),
                        "--central-port",
                        Integer.toString(central),
                        "--edge-port",
                        Integer.toString(FreePorts.next()),
                        "--data",
                        dir.resolve("var2").toString()),
                dir.resolve("second.log"));
        assertThat(second.awaitExit(Duration.ofSeconds(30))).isTrue();
        assertThat(Files.readString(dir.resolve("second.log")))
                .contains("port " + central + " is already in use", "--central-port");
        assertThat(dir.resolve("var2")).doesNotExist();

        up.process().interrupt();
        assertThat(up.process().awaitExit(Duration.ofSeconds(60)))
                .as("up exits on Ctrl-C")
                .isTrue();
        for (int port : List.of(nats, central, edge)) {
            assertThat(listening(port)).as("port %d released", port).isFalse();
        }
    }

    /** A command line up cannot take is refused as the Java commands refuse one: one line naming it, exit 2. */
    @Test
    void upRefusesABadCommandLineWithOneLineAndExitCode2() throws Exception {
        Map<String, String> refused = Map.of(
                "--bogus",
                "unknown flag for up: --bogus (valid: --nats-port, --central-port, --edge-port, --data)",
                "--nats-port",
                "--nats-port needs a value",
                "--edge-port 99999",
                "--edge-port '99999' is not a port (1-65535)");
        int n = 0;
        for (Map.Entry<String, String> line : refused.entrySet()) {
            List<String> cmd =
                    new ArrayList<>(List.of(HubProcess.home().resolve("dualhub").toString(), "up"));
            cmd.addAll(List.of(line.getKey().split(" ")));
            Path log = dir.resolve("refused-" + n++ + ".log");
            OsProcess p = OsProcess.start("up " + line.getKey(), cmd, log);
            assertThat(p.awaitExit(Duration.ofSeconds(30))).isTrue();
            assertThat(p.exitValue()).as(line.getKey()).isEqualTo(2);
            assertThat(Files.readAllLines(log)).containsExactly("dualhub: " + line.getValue());
        }
    }

    /** Runs a launcher command to its end and returns what it printed. */
    private static String run(Path home, Path log, String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of(home.resolve("dualhub").toString()));
        cmd.addAll(List.of(args));
        OsProcess p = OsProcess.start(String.join(" ", args), cmd, log);
        assertThat(p.awaitExit(Duration.ofSeconds(60))).as("%s ends", args[0]).isTrue();
        assertThat(p.exitValue())
                .as("%s exit status (output in %s)", args[0], log)
                .isZero();
        return Files.readString(log);
    }

    private static boolean listening(int port) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }
}
