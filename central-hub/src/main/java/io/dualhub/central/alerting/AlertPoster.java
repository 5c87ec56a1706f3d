package io.dualhub.central.alerting;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/** Sends one JSON document; a non-2xx answer is an {@link IOException} naming the status and the answer's start. */
@FunctionalInterface
public interface AlertPoster {
    void post(URI url, byte[] json) throws IOException, InterruptedException;

    /** Over the JDK's HTTP client, each request bounded by {@code timeout}. */
    static AlertPoster http(Duration timeout) {
        HttpClient client = HttpClient.newBuilder().connectTimeout(timeout).build();
        return (url, json) -> {
            HttpResponse<String> response = client.send(
                    HttpRequest.newBuilder(url)
                            .timeout(timeout)
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofByteArray(json))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() / 100 != 2) {
                String body = response.body();
                throw new IOException("HTTP " + response.statusCode() + ": "
                        + (body.length() > 200 ? body.substring(0, 200) + "…" : body).strip());
            }
        };
    }
}
