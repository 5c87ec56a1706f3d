package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.TestCentral;
import io.dualhub.hub.threads.ServerThreads;
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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * http.threads threads answer the CentralHub's store-reading requests, however many come at once, and are kept; the
 * framework's own pool (health) is not theirs.
 */
class ServerThreadsTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void moreRequestsThanThreadsWaitTheirTurnOnTheThreadsTheHubKeeps() throws Exception {
        try (TestCentral hub = TestCentral.start(NATS, dir, Map.of("http.threads", "3"))) {
            HttpClient http = HttpClient.newHttpClient();
            List<CompletableFuture<HttpResponse<String>>> crowd = IntStream.range(0, 30)
                    .mapToObj(i -> http.sendAsync(
                            HttpRequest.newBuilder(URI.create(hub.url() + "/api/v1/query?metric=m" + i))
                                    .build(),
                            HttpResponse.BodyHandlers.ofString()))
                    .toList();
            assertThat(crowd.stream()
                            .map(q -> q.orTimeout(30, TimeUnit.SECONDS).join().statusCode()))
                    .containsOnly(200);

            await("the API pool's threads: one per task until 3, then kept")
                    .atMost(Duration.ofSeconds(10))
                    .until(() -> JvmThreads.named(ServerThreads.API + "-executor-thread-"), n -> n == 3);
        }
    }
}
