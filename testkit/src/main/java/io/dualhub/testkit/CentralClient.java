package io.dualhub.testkit;

import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Reads a CentralHub's API for drills: stats, the fleet, and the stored values of a metric. */
public final class CentralClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String url;

    public CentralClient(String url) {
        this.url = url;
    }

    public JsonNode get(String path) throws IOException, InterruptedException {
        HttpResponse<String> resp = send(path);
        if (resp.statusCode() != 200) {
            throw new IOException("GET " + path + " answered " + resp.statusCode() + ": " + resp.body());
        }
        return JSON.readTree(resp.body());
    }

    /** The {@code error} text of a GET the API refuses (4xx); fails when it answers 2xx. */
    public String error(String path) throws IOException, InterruptedException {
        HttpResponse<String> resp = send(path);
        if (resp.statusCode() < 400) {
            throw new IOException("GET " + path + " was not refused: " + resp.statusCode());
        }
        return JSON.readTree(resp.body()).path("error").asText();
    }

    /** POSTs an empty body; returns the status code and the answer. */
    public HttpResponse<String> post(String path) throws IOException, InterruptedException {
        return http.send(
                HttpRequest.newBuilder(URI.create(url + path))
                        .timeout(Duration.ofSeconds(30))
                        .POST(HttpRequest.BodyPublishers.noBody())
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> send(String path) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(URI.create(url + path))
                .timeout(Duration.ofSeconds(30))
                .build();
        return http.send(req, HttpResponse.BodyHandlers.ofString());
    }

    /** The {@code /health} details (instance, ingest state, problem, role), whatever the status code. */
    public JsonNode health() throws IOException, InterruptedException {
        return JSON.readTree(send("/health").body())
                .path("details")
                .path("central")
                .path("details");
    }

    /** The sum of a counter or gauge over its label sets on {@code /prometheus}; 0 when absent. */
    public double meter(String prometheusName) throws IOException, InterruptedException {
        return meter(prometheusName, "");
    }

    /**
     * The same over the label sets that begin with {@code labels} (as written, e.g. {@code area="heap"}; Micrometer
     * writes labels in name order).
     */
    public double meter(String prometheusName, String labels) throws IOException, InterruptedException {
        double sum = 0;
        for (String line : send("/prometheus").body().split("\n")) {
            boolean unlabelled = labels.isEmpty() && line.startsWith(prometheusName + " ");
            if (unlabelled || line.startsWith(prometheusName + "{" + labels)) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    /** Whether this CentralHub holds the leader lease now. */
    public boolean isLeader() throws IOException, InterruptedException {
        return get("/api/v1/leader").path("isLeader").asBoolean();
    }

    public long pointsStored() throws IOException, InterruptedException {
        return get("/api/v1/stats").path("pointsStored").asLong();
    }

    /** Every stored value of the metric, across its series, in store order (duplicates included, if any). */
    public List<Long> values(String metric) throws IOException, InterruptedException {
        return valuesAt("/api/v1/query?from=0&metric=" + metric);
    }

    /** Every stored value of the metric from one edge (duplicates included, if any). */
    public List<Long> values(String metric, String edgeId) throws IOException, InterruptedException {
        return valuesAt("/api/v1/query?from=0&metric=" + metric + "&edge=" + edgeId);
    }

    private List<Long> valuesAt(String path) throws IOException, InterruptedException {
        List<Long> values = new ArrayList<>();
        for (JsonNode series : get(path).path("series")) {
            for (JsonNode p : series.path("points")) {
                values.add(p.get(1).asLong());
            }
        }
        return values;
    }

    /**
     * Waits (up to a minute) until as many values of the writer's metric are stored for the edge as the edge accepted,
     * and returns them: a test then asserts there are exactly that many, none twice.
     */
    public List<Long> awaitStored(SequencedWriter writer, String edgeId) {
        await(edgeId + " stored")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> values(writer.metric(), edgeId).size() >= writer.accepted());
        try {
            return values(writer.metric(), edgeId);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The fleet entry of one edge, or a missing node. */
    public JsonNode edge(String edgeId) throws IOException, InterruptedException {
        for (JsonNode e : get("/api/v1/edges")) {
            if (e.path("edgeId").asText().equals(edgeId)) {
                return e;
            }
        }
        return JSON.missingNode();
    }
}
