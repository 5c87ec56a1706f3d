package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.JvmThreads;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's HTTP server keeps the threads it made: its I/O pool is fixed at twice http.max-concurrent-writes and
 * four, so a crowd of writers neither makes more threads nor waits for one (each is taken or refused at once).
 */
class ServerThreadsTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void aCrowdOfWritersIsAnsweredByTheThreadsTheEdgeKeeps() {
        Assumptions.assumeTrue(
                Runtime.version().feature() < 21,
                "on JDK 21 and later Micronaut runs blocking work on virtual threads, not on its I/O pool");
        try (TestEdge edge =
                TestEdge.start("threads", NATS, dir.resolve("data"), Map.of("http.max-concurrent-writes", "2"))) {
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> crowd = IntStream.range(0, 40)
                    .mapToObj(i -> http.sendAsync(
                            HttpRequest.newBuilder(URI.create(edge.url() + "/api/v1/write"))
                                    .POST(HttpRequest.BodyPublishers.ofString("cpu,n=" + i + " usage=1\n"))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .toList();
            assertThat(crowd.stream()
                            .map(w -> w.orTimeout(30, TimeUnit.SECONDS).join().statusCode()))
                    .allMatch(s -> s == 204 || s == 503);

            await("the I/O pool's threads: one per task until 2 * 2 + 4, then kept")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> JvmThreads.named("io-executor-thread-"), n -> n == 2 * 2 + 4);
        }
    }
}
