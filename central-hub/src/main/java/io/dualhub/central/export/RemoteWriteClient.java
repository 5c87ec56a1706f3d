package io.dualhub.central.export;

import io.dualhub.common.config.ShownUrl;
import io.dualhub.common.tls.PemFiles;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/** Sends remote-write bodies to one receiver and tells what came back. */
@FunctionalInterface
interface RemoteWriteClient {
    /**
     * What a receiver answered: its HTTP status (0 when no answer came: {@code message} says why), the start of its
     * body, and its {@code Retry-After} in seconds (-1 without one).
     */
    record Answer(int status, String message, long retryAfterSeconds) {
        boolean accepted() {
            return status / 100 == 2;
        }

        /**
         * Worth sending again: no answer, a 5xx, 408 or 429 (the receiver's trouble), and 401, 403 and 404, which say
         * the receiver or its credentials are not what the configuration names: fixed there, the same request is
         * taken, so the points wait instead of being given up. Any other 4xx (400, 409, 422…) refuses the request's
         * content and would refuse it again.
         */
        boolean retryable() {
            return status == 0 || status / 100 == 5 || RETRIED_4XX.contains(status);
        }

        private static final Set<Integer> RETRIED_4XX = Set.of(401, 403, 404, 408, 429);

        /** The meters' and status page's name for this answer's outcome: the code, or timeout / unreachable. */
        String code() {
            return status != 0 ? Integer.toString(status) : message.startsWith("timeout") ? "timeout" : "unreachable";
        }
    }

    /** Sends without waiting: the answer completes the future (never exceptionally: no answer is an Answer too). */
    CompletableFuture<Answer> send(byte[] snappyBody);

    /**
     * Over the JDK's HTTP client (HTTP/1.1, as receivers expect, one connection per request in flight), each request
     * bounded by {@code timeout}, with the target's headers, credentials and CA. Each request is sent and waited for
     * on a thread of {@code senders} (so as many are in flight at once as it has threads), and the client's own work
     * (connections, reading answers) runs on {@code clientWork}: the threads it takes are the caller's to bound. Not
     * the client's {@code sendAsync}: it hands every answer on to CompletableFuture's default executor, which on a host
     * of one or two cores starts a thread for each (the common pool has fewer than two threads there).
     */
    static RemoteWriteClient http(
            ExportTarget target, Duration timeout, String userAgent, Executor clientWork, Executor senders) {
        HttpClient.Builder builder = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(timeout)
                .executor(clientWork);
        if (target.tlsCa() != null) {
            builder.sslContext(PemFiles.clientTrusting(target.tlsCa(), "the CA of " + ShownUrl.of(target.url())));
        }
        HttpClient client = builder.build();
        HttpRequest.Builder template = HttpRequest.newBuilder(target.url())
                .timeout(timeout)
                .header("Content-Encoding", "snappy")
                .header("Content-Type", "application/x-protobuf")
                .header("X-Prometheus-Remote-Write-Version", "0.1.0")
                .header("User-Agent", userAgent);
        target.headers().forEach(template::header);
        if (target.authorization() != null) {
            template.header("Authorization", target.authorization());
        }
        return body -> CompletableFuture.supplyAsync(
                () -> {
                    HttpRequest request = template.copy()
                            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
                            .build();
                    try {
                        return answer(client.send(request, HttpResponse.BodyHandlers.ofString()));
                    } catch (IOException | RuntimeException e) {
                        return noAnswer(e, timeout); // never exceptionally: no answer is an Answer too
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        return noAnswer(e, timeout);
                    }
                },
                senders);
    }

    private static Answer answer(HttpResponse<String> response) {
        String text = response.body().strip();
        return new Answer(
                response.statusCode(),
                text.length() > 300 ? text.substring(0, 300) + "…" : text,
                response.headers()
                        .firstValue("Retry-After")
                        .map(RemoteWriteClient::seconds)
                        .orElse(-1L));
    }

    private static Answer noAnswer(Exception failure, Duration timeout) {
        return failure instanceof HttpTimeoutException
                ? new Answer(0, "timeout after " + timeout.toMillis() + " ms", -1)
                : new Answer(0, "unreachable: " + failure, -1);
    }

    private static long seconds(String retryAfter) {
        try {
            return Math.max(0, Long.parseLong(retryAfter.strip()));
        } catch (NumberFormatException e) {
            return -1; // an HTTP date: our own backoff decides
        }
    }
}
