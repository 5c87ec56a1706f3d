package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.edge.EdgeAgent;
import io.dualhub.edge.TestEdge;
import io.dualhub.testkit.NatsFixture;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writes past http.max-concurrent-writes or http.max-write-bytes get 503 with Retry-After and store nothing, while
 * the writes holding the places (their bodies still arriving) are stored once they are complete.
 */
class WriteAdmissionTest {
    private static final String LINE = "cpu usage=1\n";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void writesPastEitherBoundAreRefusedBeforeTheirBodies() throws Exception {
        try (TestEdge edge = TestEdge.start(
                "admission",
                NATS,
                dir.resolve("data"),
                Map.of("http.max-concurrent-writes", "2", "http.max-write-bytes", "64KiB"))) {
            int port = edge.port();
            EdgeAgent agent = edge.agent();
            WriteAdmissionFilter admission = edge.bean(WriteAdmissionFilter.class);
            String url = edge.url() + "/api/v1/write";
            try (SlowWrite first = new SlowWrite(port, 2 * LINE.length());
                    SlowWrite second = new SlowWrite(port, 2 * LINE.length())) {
                await().atMost(Duration.ofSeconds(10)).until(() -> admission.inProgress() == 2);
                HttpResponse<String> third = post(url, LINE);
                assertThat(third.statusCode()).isEqualTo(503);
                assertThat(third.headers().firstValue("Retry-After")).hasValue("1");
                assertThat(third.body()).contains("http.max-concurrent-writes = 2", "nothing was stored");
                assertThat(first.finish()).startsWith("HTTP/1.1 204");
                assertThat(second.finish()).startsWith("HTTP/1.1 204");
            }
            assertThat(agent.buffer().lastSeq())
                    .as("the two slow writes, not the refused one")
                    .isEqualTo(2);

            try (SlowWrite big = new SlowWrite(port, 40 * 1024)) {
                await().atMost(Duration.ofSeconds(10)).until(() -> admission.inProgress() == 1);
                HttpResponse<String> tooMuch = post(url, LINE.repeat(30 * 1024 / LINE.length()));
                assertThat(tooMuch.statusCode()).isEqualTo(503);
                assertThat(tooMuch.body()).contains("http.max-write-bytes = 65536");
                assertThat(post(url, LINE).statusCode())
                        .as("a small one still fits")
                        .isEqualTo(204);
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> admission.inProgress() == 0);
            assertThat(post(url, LINE.repeat(100 * 1024 / LINE.length())).statusCode())
                    .as("alone, a write larger than http.max-write-bytes is let in")
                    .isEqualTo(204);
        }
    }

    /** A write whose headers and first line are sent, the rest of its body held back until {@link #finish}. */
    private static final class SlowWrite implements AutoCloseable {
        private final Socket socket;
        private final int length;

        SlowWrite(int port, int length) throws Exception {
            this.socket = new Socket("127.0.0.1", port);
            this.length = length;
            socket.setSoTimeout(20_000);
            send("POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + length + "\r\n\r\n" + LINE);
        }

        /** Sends the rest of the body (more lines, padded by newlines) and returns the status line. */
        String finish() throws Exception {
            int rest = length - LINE.length();
            send(LINE + "\n".repeat(rest - LINE.length()));
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }

        private void send(String text) throws Exception {
            OutputStream out = socket.getOutputStream();
            out.write(text.getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }

        @Override
        public void close() throws Exception {
            socket.close();
        }
    }

    private static HttpResponse<String> post(String url, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(url))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
