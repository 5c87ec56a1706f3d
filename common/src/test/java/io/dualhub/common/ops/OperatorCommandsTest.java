package io.dualhub.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Arguments, the unreachable hub, and the table layout; the commands against real hubs are in the drills. */
class OperatorCommandsTest {
    private final OperatorCommands commands = new OperatorCommands(new PrintStream(new ByteArrayOutputStream()));

    @Test
    void badArgumentsSayWhatIsValid() {
        assertThatThrownBy(() -> commands.run(List.of("statuz"))).hasMessageContaining("usage: status");
        assertThatThrownBy(() -> commands.run(List.of("status", "--edge", "http://x")))
                .hasMessageContaining("'--edge'")
                .hasMessageContaining("--central URL [--token T]");
        assertThatThrownBy(() -> commands.run(List.of("edge-status", "--token", "x")))
                .hasMessageContaining("'--token'")
                .hasMessageContaining("valid: --edge URL");
        assertThatThrownBy(() -> commands.run(List.of("status", "--central", "localhost:8470")))
                .hasMessageContaining("not an http:// or https:// URL");
        assertThatThrownBy(() -> commands.run(List.of("backup", "--central", "http://x")))
                .hasMessageContaining("backup needs --out FILE");
    }

    @Test
    void anUnreachableHubIsNamedWithTheFlagThatPointsAtIt() throws IOException {
        int closedPort;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closedPort = s.getLocalPort();
        }
        assertThatThrownBy(() -> commands.run(List.of("edge-status", "--edge", "http://127.0.0.1:" + closedPort)))
                .isInstanceOf(IOException.class)
                .hasMessageContaining("cannot reach the edge agent")
                .hasMessageContaining("--edge");
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
            new OperatorCommands(new PrintStream(printed, true, StandardCharsets.UTF_8))
                    .run(List.of(
                            "edge-status",
                            "--edge",
                            "http://127.0.0.1:" + edge.getAddress().getPort()));
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
