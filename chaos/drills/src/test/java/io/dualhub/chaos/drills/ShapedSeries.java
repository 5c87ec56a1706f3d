package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Random;

/**
 * Series with a known shape, written to an edge as line protocol with millisecond timestamps from an hour ago (inside
 * the default store retention): one the anomaly model must flag, one a capacity forecast must see heading for its
 * limit.
 */
final class ShapedSeries {
    /** Where the written series start. */
    static final long T0 = System.currentTimeMillis() / 1000 * 1000 - 3_600_000L;
    /** The second of the latency series' one spike. */
    static final int SPIKE = 300;

    private ShapedSeries() {}

    /** 400 seconds of {@code latency_ms,svc=api} around 20 ms with one 500 ms spike at {@link #SPIKE}. */
    static String spikedLatency() {
        return latency(0, 400);
    }

    /** The 600 calm seconds that follow {@link #spikedLatency()}: the incident ends within them. */
    static String calmAfterSpike() {
        return latency(400, 1000);
    }

    /** Seconds {@code from} to {@code to} (exclusive) of the one latency series, the same values on every call. */
    private static String latency(int from, int to) {
        Random random = new Random(3);
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < to; i++) {
            double value = i == SPIKE ? 500 : 20 + random.nextGaussian();
            if (i >= from) {
                body.append("latency_ms,svc=api value=").append(value).append(' ');
                body.append(T0 + i * 1000L).append('\n');
            }
        }
        return body.toString();
    }

    /** A 1 TB filesystem {@code mount=/data} filling from 30 % by 1 % a minute for an hour: 95 % is minutes away. */
    static String fillingDisk() {
        StringBuilder body = new StringBuilder();
        for (int minute = 0; minute <= 60; minute++) {
            long at = T0 + minute * 60_000L;
            body.append("host_filesystem_size_bytes,mount=/data value=1e12 ")
                    .append(at)
                    .append('\n');
            body.append("host_filesystem_used_bytes,mount=/data value=").append((0.3 + minute * 0.01) * 1e12);
            body.append(' ').append(at).append('\n');
        }
        return body.toString();
    }

    /** Writes {@code body} to the edge and expects 204: durably accepted. */
    static void write(String edgeUrl, String body) throws IOException, InterruptedException {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(URI.create(edgeUrl + "/api/v1/write?precision=ms"))
                                .POST(HttpRequest.BodyPublishers.ofString(body))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).as(response.body()).isEqualTo(204);
    }
}
