package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** NATS nodes in network namespaces: reachable from here through the bridge, unreachable while a node's link is cut. */
class NetworkLabTest {

    @Test
    void aCutNodeIsUnreachableUntilRestored() throws Exception {
        NetworkLab lab = NetworkLab.create(3);
        Assumptions.assumeTrue(lab != null, "skipped: network namespaces need root and iproute2");
        NatsFixture nats = NatsFixture.cluster(lab);
        try {
            nats.start();
            NatsServerNode node = nats.node(1);
            assertThat(greeting(node)).startsWith("INFO ");
            lab.cut(1);
            assertThatThrownBy(() -> greeting(node)).isInstanceOf(IOException.class);
            lab.restore(1);
            assertThat(greeting(node)).startsWith("INFO ");
        } finally {
            nats.close();
            lab.close();
        }
    }

    /** The first line a NATS server sends a new client. */
    private static String greeting(NatsServerNode node) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(node.host(), node.clientPort()), 1000);
            s.setSoTimeout(1000);
            return new BufferedReader(new InputStreamReader(s.getInputStream())).readLine();
        }
    }
}
