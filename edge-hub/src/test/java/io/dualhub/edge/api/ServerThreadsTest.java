package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.HttpCrowd;
import io.dualhub.testkit.JvmThreads;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The edge's HTTP server keeps the threads it made: its I/O pool is fixed at twice http.max-concurrent-writes and
 * four, so a crowd of writers is answered (each taken or refused) without more threads being made.
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
            assertThat(HttpCrowd.statuses(
                            40,
                            i -> HttpRequest.newBuilder(URI.create(edge.url() + "/api/v1/write"))
                                    .POST(HttpRequest.BodyPublishers.ofString("cpu,n=" + i + " usage=1\n"))
                                    .build()))
                    .allMatch(s -> s == 204 || s == 503);
            JvmThreads.awaitExactly("io-executor-thread-", 2 * 2 + 4);
        }
    }
}
