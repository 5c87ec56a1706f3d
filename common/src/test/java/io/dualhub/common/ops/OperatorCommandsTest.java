package io.dualhub.common.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.ServerSocket;
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

    @Test
    void columnsAreAsWideAsTheirWidestCell() {
        TextTable t = new TextTable("EDGE", "STATE");
        t.row("web-3", "ONLINE");
        t.row("db-primary-1", "OFFLINE");
        assertThat(t.render()).isEqualTo("EDGE          STATE\nweb-3         ONLINE\ndb-primary-1  OFFLINE\n");
        assertThatThrownBy(() -> t.row("one")).hasMessageContaining("1 cells in a table of 2");
    }
}
