package io.dualhub.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

/** Arguments, the unreachable hub, and the table layout; the commands against real hubs are in the drills. */
class OperatorCommandsTest {
    private static CliRun run(String... args) {
        return CliRun.of(new OperatorCommands(new PrintStream(new ByteArrayOutputStream())), args);
    }

    @Test
    void everyCommandHasHelpAndRefusesUnknownFlagsAndMissingValues() {
        Supplier<OperatorCommands> commands = () -> new OperatorCommands(new PrintStream(new ByteArrayOutputStream()));
        CliRun.assertStandardFlags(commands, "--central", "status");
        CliRun.assertStandardFlags(commands, "--out", "backup");
        CliRun.assertStandardFlags(commands, "--edge", "edge-status");
        CliRun.assertStandardFlags(commands, "--dir", "nats-user", "edge", "web-3");
        assertThat(run("--help").out()).contains("status", "backup", "edge-status", "nats-user");
    }

    @Test
    void badArgumentsSayWhatIsValid() {
        assertThat(run("statuz"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .hasLineCount(1)
                .contains("'statuz'", "valid: ", "status", "backup", "edge-status", "nats-user");
        assertThat(run("status", "--edge", "http://x"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .contains("'--edge'", "--central", "--token", "--ca");
        assertThat(run("edge-status", "--token", "x").err()).contains("'--token'", "valid: --edge");
        assertThat(run("status", "--central", "localhost:8470"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .contains("--central", "not an http:// or https:// URL");
        assertThat(run("backup", "--central", "http://x"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .contains("Missing required option: '--out=FILE'");
        assertThat(run("backup", "--central", "http://a,http://b", "--out", "x.backup"))
                .as("status reads one hub per group; a backup is of one hub")
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .contains("backup takes one CentralHub");
        assertThat(run("status", "--central", "http://127.0.0.1:9,localhost:8470")
                        .err())
                .as("each of several hubs' URLs is checked")
                .contains("'localhost:8470' is not an http:// or https:// URL");
    }

    @Test
    void anUnreachableHubIsNamedWithTheFlagThatPointsAtIt() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        CliRun r = run("edge-status", "--edge", "http://127.0.0.1:" + closedPort);
        assertThat(r.status()).isEqualTo(Cli.REFUSED);
        assertThat(r.err()).hasLineCount(1).contains("cannot reach the edge agent", "--edge");
    }

    /** Each scrape target of the edge's health is a line: job, URL, health, and why it is down. */
    @Test
    void edgeStatusShowsEachScrapeTarget() throws Exception {
        String health = """
                {"status":"UP","details":{"edge":{"details":{"edgeId":"web-3","bufferWritable":true,
                "nats":"CONNECTED","stream":"DUALHUB_METRICS_A","forwarderRunning":true,"circuitBreaker":"CLOSED",
                "lastSeq":9,"ackedSeq":9,"backlog":0,"scrape":[
                {"job":"node","url":"http://127.0.0.1:9100/metrics","health":"up","samples":1400,"durationMs":31},
                {"job":"app","url":"http://127.0.0.1:8080/metrics","health":"down","samples":0,"durationMs":800,
                "lastError":"no answer within 800 ms (the target's timeout)"}]}}}}""";
        HttpServer edge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        edge.createContext("/health", x -> {
            byte[] body = health.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        edge.start();
        ByteArrayOutputStream printed = new ByteArrayOutputStream();
        try {
            CliRun r = CliRun.of(
                    new OperatorCommands(new PrintStream(printed, true, StandardCharsets.UTF_8)),
                    "edge-status",
                    "--edge",
                    "http://127.0.0.1:" + edge.getAddress().getPort());
            assertThat(r.status()).as(r.err()).isZero();
        } finally {
            edge.stop(0);
        }
        assertThat(printed.toString(StandardCharsets.UTF_8))
                .contains("  scrape     node http://127.0.0.1:9100/metrics: UP, 1400 samples in 31 ms\n")
                .contains("  scrape     app http://127.0.0.1:8080/metrics: DOWN, 0 samples in 800 ms; no answer within"
                        + " 800 ms (the target's timeout)\n");
    }

    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        TextTable t = new TextTable("EDGE", "STATE");
        t.row("web-3", "ONLINE");
        t.row("db-primary-1", "OFFLINE");
        assertThat(t.render()).isEqualTo("EDGE          STATE\nweb-3         ONLINE\ndb-primary-1  OFFLINE\n");
        assertThatThrownBy(() -> t.row("one")).hasMessageContaining("1 cells in a table of 2");
    }
}
