package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A 204 means stored: the odd inputs a writer sends, through a real edge into a real CentralHub. Each is either
 * 204 — and then every point of it is stored, the hub refusing nothing — or a 400/413 with the reason, storing
 * nothing; and good data flows after them.
 */
class OddInputDrillTest {
    private static final List<String> STORABLE = List.of(
            "m".repeat(200) + " value=1",
            "temp\\ \\,\\=ure,ro\\ om=a\\,b\\=c v=1",
            "température,pièce=salle\\ à\\ manger wärme=1",
            "1st v=1",
            "m v=1 0",
            "m v=1 -1000000000000000000",
            "m v=1 9000000000000000000",
            "m v=18446744073709551615u",
            "m v=1e308,w=-0.0",
            "m,t=" + "x".repeat(1024) + " v=1",
            "m "
                    + String.join(
                            ",",
                            IntStream.range(0, 1000)
                                    .mapToObj(i -> "f" + i + "=1")
                                    .toList()));
    private static final Map<String, Integer> REFUSED = Map.of(
            "m".repeat(201) + " value=1",
            400,
            "m,t" + "k".repeat(300) + "=x v=1",
            400,
            "m"
                    + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789ab"
                            .chars()
                            .mapToObj(c -> ",t" + (char) c + "=v")
                            .reduce("", String::concat)
                    + " v=1",
            400,
            "m v=1,v=2",
            400,
            "m,t= v=1",
            400,
            "m,t=" + "x".repeat(1_500_000) + " v=1",
            400,
            "good v=1\nm v=\"text\"",
            400,
            "m v=1 1700000000000",
            400);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void everyOddInputIsStoredOrRefusedWithItsReason() throws Exception {
        HubProcess central = hubs.central("odd", "analysis:\n  enabled: false\n");
        HubProcess edge = hubs.edge("odd-edge", "collect:\n  enabled: false\n");
        long accepted = 0;
        for (String line : STORABLE) {
            HttpResponse<String> r = post(edge, "", line);
            assertThat(r.statusCode()).as("%.60s: %s", line, r.body()).isEqualTo(204);
            accepted += line.startsWith("m v=1e308") ? 2 : line.startsWith("m f0") ? 1000 : 1;
        }
        for (Map.Entry<String, Integer> bad : REFUSED.entrySet()) {
            String query = bad.getKey().endsWith("1700000000000") ? "?precision=s" : "";
            HttpResponse<String> r = post(edge, query, bad.getKey());
            assertThat(r.statusCode()).as("%.60s", bad.getKey()).isEqualTo(bad.getValue());
            assertThat(r.body())
                    .as("a reason, not a stack trace")
                    .contains("error")
                    .doesNotContain("Exception");
        }
        assertThat(post(edge, "", "after v=1").statusCode()).isEqualTo(204);
        long expected = accepted + 1;
        CentralClient api = new CentralClient(central.url());
        await("every accepted point stored")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> api.pointsStored() == expected);
        JsonNode stats = api.get("/api/v1/stats");
        stats.path("rejected")
                .forEach(n ->
                        assertThat(n.asLong()).as("the hub refused nothing").isZero());
        assertThat(api.edge("odd-edge").path("batchesInvalid").asLong()).isZero();
        assertThat(api.edge("odd-edge").path("missingRanges")).isEmpty();
    }

    private static HttpResponse<String> post(HubProcess edge, String query, String body) throws Exception {
        return HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(edge.url() + "/api/v1/write" + query))
                                .timeout(Duration.ofSeconds(30))
                                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
    }
}
