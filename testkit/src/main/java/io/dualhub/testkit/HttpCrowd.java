package io.dualhub.testkit;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import java.util.stream.IntStream;

/** Many requests sent at once, each answer awaited at most 30 s (a server that never answers fails the test). */
public final class HttpCrowd {
    private HttpCrowd() {}

    /** Sends {@code size} requests at once ({@code request} makes the i-th) and returns their statuses in order. */
    public static List<Integer> statuses(int size, IntFunction<HttpRequest> request) {
        HttpClient http = HttpClient.newHttpClient();
        List<CompletableFuture<HttpResponse<String>>> crowd = IntStream.range(0, size)
                .mapToObj(i -> http.sendAsync(request.apply(i), HttpResponse.BodyHandlers.ofString()))
                .toList();
        return crowd.stream()
                .map(r -> r.orTimeout(30, TimeUnit.SECONDS).join().statusCode())
                .toList();
    }
}
