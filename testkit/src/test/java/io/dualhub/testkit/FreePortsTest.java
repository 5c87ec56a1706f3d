package io.dualhub.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class FreePortsTest {
    @Test
    void portsComeFromBelowTheEphemeralRangeAndCanBeBound() throws Exception {
        int low = FreePorts.ephemeralLow();
        Set<Integer> seen = new HashSet<>();
        for (int i = 0; i < 50; i++) {
            int port = FreePorts.next();
            assertTrue(
                    port >= FreePorts.LOWEST && port < low, port + " outside [" + FreePorts.LOWEST + ", " + low + ")");
            assertTrue(seen.add(port), "port " + port + " handed out twice");
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                assertEquals(port, s.getLocalPort());
            }
        }
    }

    @Test
    void aPortSomethingListensOnIsSkipped() throws Exception {
        int port = FreePorts.next();
        try (ServerSocket taken = new ServerSocket(port + 1, 1, InetAddress.getLoopbackAddress())) {
            assertNotEquals(taken.getLocalPort(), FreePorts.next());
        }
    }
}
