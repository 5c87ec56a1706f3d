package io.dualhub.testkit;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.ServerSocket;
import org.junit.jupiter.api.Test;

class NatsServerNodeTest {
    @Test
    void aNodeThatCannotStartSaysWhyFromItsLog() throws Exception {
        try (ServerSocket taken = new ServerSocket(FreePorts.next(), 1, InetAddress.getLoopbackAddress())) {
            NatsFixture fixture = NatsFixture.single("-p", Integer.toString(taken.getLocalPort()));
            try {
                Throwable failure = assertThrows(Throwable.class, fixture::start);
                String why = failure.getCause() == null
                        ? failure.getMessage()
                        : failure.getCause().getMessage();
                assertTrue(why.contains("address already in use"), why);
            } finally {
                fixture.close();
            }
        }
    }
}
