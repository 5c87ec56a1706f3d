package io.dualhub.edge.api;

import static org.assertj.core.api.Assertions.assertThat;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** An edge with {@code http.ingest-token}: writes without it are refused (401) and store nothing. */
class IngestTokenTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void onlyWritesPresentingTheTokenAreStored() throws Exception {
        Path token = Files.writeString(dir.resolve("ingest.token"), "s3cret-ingest\n");
        try (TestEdge edge =
                TestEdge.start("token-test", NATS, dir.resolve("data"), Map.of("http.ingest-token", "file:" + token))) {
            int port = edge.port();
            EdgeAgent agent = edge.agent();
            String url = edge.url() + "/api/v1/write";
            HttpResponse<String> none = post(url, null);
            assertThat(none.statusCode()).isEqualTo(401);
            assertThat(none.body()).contains("Authorization: Bearer <token>", "nothing was stored");
            assertThat(post(url, "Bearer wrong").statusCode()).isEqualTo(401);
            assertThat(agent.buffer().lastSeq()).isZero();
            assertThat(post(url, "Bearer s3cret-ingest").statusCode()).isEqualTo(204);
            assertThat(post(url, "Token s3cret-ingest").statusCode())
                    .as("InfluxDB v2 clients' scheme")
                    .isEqualTo(204);
            assertThat(agent.buffer().lastSeq()).isEqualTo(2);
            assertThat(statusBeforeTheBody(port))
                    .as("refused on its headers, the 16 MiB body never sent")
                    .startsWith("HTTP/1.1 401");
        }
    }

    /**
     * Sends the headers of a 16 MiB write without the token and one line of its body, then reads: the answer
     * comes while the rest of the body is still unsent, so the edge judged the request before reading it.
     */
    private static String statusBeforeTheBody(int port) throws Exception {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(10_000);
            OutputStream out = socket.getOutputStream();
            out.write(("POST /api/v1/write HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: " + (16 << 20)
                            + "\r\n\r\ncpu usage=1\n")
                    .getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
        }
    }

    private static HttpResponse<String> post(String url, String authorization) throws Exception {
        HttpRequest.Builder b =
                HttpRequest.newBuilder(URI.create(url)).POST(HttpRequest.BodyPublishers.ofString("cpu usage=1"));
        if (authorization != null) {
            b.header("Authorization", authorization);
        }
        return HttpClient.newHttpClient().send(b.build(), HttpResponse.BodyHandlers.ofString());
    }
}
