package io.dualhub.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;

/** A plain remote-write client: the protocol's headers on a body already encoded, one request after another. */
final class RemoteWriteRequests {
    private RemoteWriteRequests() {}

    static HttpRequest post(URI url, byte[] snappyBody) {
        return HttpRequest.newBuilder(url)
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .POST(HttpRequest.BodyPublishers.ofByteArray(snappyBody))
                .build();
    }

    /** Sends every body in order on one connection; returns the seconds it took. Any non-2xx is an error. */
    static double send(URI url, List<byte[]> bodies) throws IOException, InterruptedException {
        HttpClient client =
                HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
        long start = System.nanoTime();
        for (byte[] body : bodies) {
            HttpResponse<String> answer = client.send(post(url, body), HttpResponse.BodyHandlers.ofString());
            if (answer.statusCode() / 100 != 2) {
                throw new IOException("the plain client got " + answer.statusCode() + ": " + answer.body());
            }
        }
        return (System.nanoTime() - start) / 1e9;
    }
}
