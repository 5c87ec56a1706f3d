package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The proxy's faults against a loopback echo server. Delays are checked only as lower bounds (bytes never arrive
 * sooner than the fault allows), which holds on any machine however slow.
 */
class FaultProxyTest {
    private ServerSocket echo;
    private FaultProxy proxy;
    private Socket client;

    @BeforeEach
    void start() throws IOException {
        echo = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread t = new Thread(this::echo, "echo");
        t.setDaemon(true);
        t.start();
        proxy = new FaultProxy(echo.getLocalPort());
        client = new Socket(InetAddress.getLoopbackAddress(), proxy.port());
        client.setSoTimeout(10_000);
    }

    private void echo() {
        while (!echo.isClosed()) {
            try {
                Socket s = echo.accept();
                Thread t = new Thread(() -> {
                    try (s;
                            InputStream in = s.getInputStream();
                            OutputStream out = s.getOutputStream()) {
                        in.transferTo(out);
                    } catch (IOException ignored) {
                        // closed
                    }
                });
                t.setDaemon(true);
                t.start();
            } catch (IOException e) {
                return;
            }
        }
    }

    @AfterEach
    void stop() throws IOException {
        client.close();
        proxy.close();
        echo.close();
    }

    @Test
    void aBlackholeSwallowsBytesWithoutClosingAndHealingRestoresTheLink() throws IOException {
        assertThat(roundTrip(new byte[] {1})).containsExactly(1);
        proxy.blackhole();
        client.getOutputStream().write(2);
        client.setSoTimeout(300);
        assertThatThrownBy(() -> client.getInputStream().read()).isInstanceOf(SocketTimeoutException.class);
        proxy.heal();
        client.setSoTimeout(10_000);
        assertThat(roundTrip(new byte[] {3}))
                .as("the blackholed byte is gone, the link is open")
                .containsExactly(3);
    }

    @Test
    void latencyDelaysEveryByteInBothDirections() throws IOException {
        proxy.latency(Duration.ofMillis(100));
        long start = System.nanoTime();
        assertThat(roundTrip(new byte[] {7})).containsExactly(7);
        assertThat(System.nanoTime() - start).as("two one-way delays").isGreaterThanOrEqualTo(200_000_000L);
    }

    @Test
    void theBandwidthCapPacesTheLink() throws IOException {
        proxy.bandwidth(800_000);
        byte[] payload = new byte[64 * 1024];
        long start = System.nanoTime();
        assertThat(roundTrip(payload)).hasSize(payload.length);
        // 64 KiB at 100 KB/s: at least 3 of its 16 KiB chunks wait out their pace before the last one is sent
        assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(450_000_000L);
    }

    @Test
    void aResetClosesOpenConnections() throws IOException {
        assertThat(roundTrip(new byte[] {1})).containsExactly(1);
        proxy.reset();
        assertThat(readOrEnd()).isEqualTo(-1);
    }

    private int readOrEnd() {
        try {
            return client.getInputStream().read();
        } catch (IOException e) {
            return -1;
        }
    }

    private byte[] roundTrip(byte[] bytes) throws IOException {
        client.getOutputStream().write(bytes);
        client.getOutputStream().flush();
        return client.getInputStream().readNBytes(bytes.length);
    }
}
