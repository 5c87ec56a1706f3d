package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An edge with the heap its installers give it (-Xmx64m) takes the largest body it accepts by default
 * (http.max-body, 8 MiB) without running out of it: an 8 MiB body within http.max-points (50,000) is stored (204),
 * one of more points is refused (413) as soon as the parser gets there, and the edge stays healthy through both,
 * five times over.
 */
class EdgeHeapDrillTest {
    private static final int MAX_BODY = 8 << 20;

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void theLargestBodyFitsTheInstalledHeap() throws Exception {
        HubProcess edge = hubs.edge("lean", "collect:\n  enabled: false\n", HubProcess.INSTALLED_EDGE_HEAP);
        byte[] withinPoints = body(49_000); // long lines: 8 MiB in fewer than http.max-points (50,000)
        byte[] tooManyPoints = shortLines(); // 8 MiB of some 700,000 points
        for (int round = 0; round < 5; round++) {
            HttpResponse<String> accepted = post(edge, withinPoints);
            assertThat(accepted.statusCode())
                    .as("round %d: 8 MiB of 49,000 points: %s", round, accepted.body())
                    .isEqualTo(204);
            HttpResponse<String> refused = post(edge, tooManyPoints);
            assertThat(refused.statusCode())
                    .as("round %d: 8 MiB of short lines", round)
                    .isEqualTo(413);
            assertThat(refused.body()).contains("http.max-points");
            assertThat(edge.isHealthy()).isTrue();
        }
        assertThat(edge.edgeStatus().path("lastSeq").asLong())
                .as("the accepted bodies are in the buffer")
                .isPositive();
    }

    /** Lines of one field, padded so that {@code lines} of them come to just under 8 MiB. */
    private static byte[] body(int lines) {
        int lineBytes = MAX_BODY / lines - 1;
        StringBuilder sb = new StringBuilder(MAX_BODY);
        for (int i = 0; i < lines; i++) {
            String head = "big,series=s" + i + ",pad=";
            String tail = " v=" + i + "i\n";
            int pad = Math.max(1, lineBytes - head.length() - tail.length() + 1);
            sb.append(head).append("x".repeat(pad)).append(tail);
        }
        byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(bytes.length).isLessThanOrEqualTo(MAX_BODY);
        return bytes;
    }

    /** Lines as short as line protocol has them, up to 8 MiB. */
    private static byte[] shortLines() {
        StringBuilder sb = new StringBuilder(MAX_BODY);
        for (int i = 0; ; i++) {
            String line = "m v=" + i + "i\n";
            if (sb.length() + line.length() > MAX_BODY) {
                return sb.toString().getBytes(StandardCharsets.US_ASCII);
            }
            sb.append(line);
        }
    }

    private static HttpResponse<String> post(HubProcess edge, byte[] body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(edge.url() + "/api/v1/write"))
                                .timeout(Duration.ofSeconds(60))
                                .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
