package io.dualhub.central.export;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.DaemonThreads;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class RemoteWriteClientTest {
    private final ExecutorService work = DaemonThreads.pool("test-client-work", 2);
    private final ExecutorService senders = DaemonThreads.pool("test-send", 2);
    private final CountDownLatch answerNow = new CountDownLatch(1);
    private HttpServer receiver;

    @BeforeEach
    void receiver() throws IOException {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/api/v1/write", exchange -> {
            exchange.getRequestBody().readAllBytes();
            try {
                answerNow.await(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            exchange.sendResponseHeaders(204, -1);
            exchange.close();
        });
        receiver.start();
    }

    @AfterEach
    void stop() {
        answerNow.countDown();
        receiver.stop(0);
        work.shutdownNow();
        senders.shutdownNow();
    }

    /**
     * The JDK client's {@code sendAsync} hands every answer on to CompletableFuture's default executor: the common
     * pool, or, on a host of one or two cores, a thread started for that one answer (a thread per request).
     */
    @Test
    void theAnswerIsTakenOnTheSendersThreadsNotOnAThreadStartedForIt() throws Exception {
        URI url = URI.create("http://127.0.0.1:" + receiver.getAddress().getPort() + "/api/v1/write");
        RemoteWriteClient client =
                RemoteWriteClient.http(ExportTarget.of(url), Duration.ofSeconds(5), "test", work, senders);

        CompletableFuture<String> takenOn = client.send(new byte[] {0})
                .thenApply(answer ->
                        answer.status() + " on " + Thread.currentThread().getName());
        answerNow.countDown(); // the answer comes once the stage above waits for it

        assertThat(takenOn.get(10, TimeUnit.SECONDS)).startsWith("204 on test-send-");
    }
}
