package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.TestCentral;
import io.dualhub.hub.threads.ServerThreads;
import io.dualhub.testkit.HttpCrowd;
import io.dualhub.testkit.JvmThreads;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * http.threads threads answer the CentralHub's store-reading requests, however many come at once, and are kept; the
 * framework's own pool (health) is not theirs, so a starved API pool does not hold up a liveness probe.
 */
class ServerThreadsTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void moreRequestsThanThreadsWaitTheirTurnOnTheThreadsTheHubKeeps() {
        try (TestCentral hub = TestCentral.start(NATS, dir, Map.of("http.threads", "3"))) {
            assertThat(HttpCrowd.statuses(
                            30,
                            i -> HttpRequest.newBuilder(URI.create(hub.url() + "/api/v1/query?metric=m" + i))
                                    .build()))
                    .containsOnly(200);
            JvmThreads.awaitExactly(ServerThreads.API + "-executor-thread-", 3);
        }
    }

    @Test
    void aStarvedApiPoolDoesNotHoldUpLiveness() throws Exception {
        try (TestCentral hub = TestCentral.start(NATS, dir, Map.of("http.threads", "1"))) {
            CountDownLatch release = new CountDownLatch(1);
            hub.executor(ServerThreads.API)
                    .execute(
                            () -> { // the pool's one thread, taken as a slow backup would
                                try {
                                    release.await();
                                } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                }
                            });
            HttpClient http = HttpClient.newHttpClient();
            CompletableFuture<HttpResponse<String>> query;
            try {
                HttpResponse<String> live = http.send(
                        HttpRequest.newBuilder(URI.create(hub.url() + "/health/liveness"))
                                .timeout(Duration.ofSeconds(10))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(live.statusCode()).isEqualTo(200);
                query = http.sendAsync(
                        HttpRequest.newBuilder(URI.create(hub.url() + "/api/v1/query?metric=m"))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
            } finally {
                release.countDown();
            }
            assertThat(query.orTimeout(30, TimeUnit.SECONDS).join().statusCode())
                    .as("the query waited its turn")
                    .isEqualTo(200);
        }
    }
}
