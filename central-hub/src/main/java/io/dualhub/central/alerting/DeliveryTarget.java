package io.dualhub.central.alerting;

import io.dualhub.common.Backoff;
import io.dualhub.common.config.ShownUrl;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.time.Duration;

/**
 * One place alerts are delivered to and its retry state. Owned by the delivery thread; {@link #status()} is the
 * snapshot it publishes for the HTTP API after every attempt.
 */
public final class DeliveryTarget {
    /** Longest wait between two attempts at a failing target. */
    static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private static final Duration FIRST_BACKOFF = Duration.ofSeconds(1);

    private final String kind;
    private final URI url;
    private final String shown;
    private final Counter delivered;
    private final Counter failed;
    private int consecutiveFailures;
    private long retryAtMs;
    private long lastOkMs;
    private String lastError = "";
    private volatile DeliveryStatus status;

    /**
     * What the API shows of a target.
     *
     * @param kind                {@code alertmanager} or {@code webhook}
     * @param url                 where it is, without credentials
     * @param state               {@code ok} (last attempt delivered or none yet) or {@code failing}
     * @param delivered           documents delivered since start
     * @param failures            attempts failed since start
     * @param consecutiveFailures attempts failed since the last delivery
     * @param lastOkMs            when it last took a document (0: never)
     * @param lastError           why the last failed attempt failed
     * @param pending             documents waiting for it (webhooks; Alertmanager gets the whole set each time: 0)
     */
    public record DeliveryStatus(
            String kind,
            String url,
            String state,
            long delivered,
            long failures,
            int consecutiveFailures,
            long lastOkMs,
            String lastError,
            int pending) {}

    DeliveryTarget(String kind, URI url, MeterRegistry meters) {
        this.kind = kind;
        this.url = url;
        this.shown = ShownUrl.of(url);
        this.delivered = counter(meters, kind, shown, "delivered");
        this.failed = counter(meters, kind, shown, "failed");
        publish(0);
    }

    URI url() {
        return url;
    }

    /** True when no backoff holds the next attempt. */
    boolean due(long nowMs) {
        return nowMs >= retryAtMs;
    }

    void delivered(long nowMs, int pending) {
        delivered.increment();
        consecutiveFailures = 0;
        retryAtMs = 0;
        lastOkMs = nowMs;
        publish(pending);
    }

    /** An attempt failed: the next waits 1 s, doubling to {@link #MAX_BACKOFF}, with jitter down to half of it. */
    void failed(long nowMs, Exception why, int pending) {
        failed.increment();
        consecutiveFailures++;
        retryAtMs = nowMs
                + Backoff.jittered(FIRST_BACKOFF, MAX_BACKOFF, consecutiveFailures - 1)
                        .toMillis();
        lastError = why.getMessage() == null ? why.toString() : why.getMessage();
        publish(pending);
    }

    void publish(int pending) {
        status = new DeliveryStatus(
                kind,
                shown,
                consecutiveFailures == 0 ? "ok" : "failing",
                (long) delivered.count(),
                (long) failed.count(),
                consecutiveFailures,
                lastOkMs,
                lastError,
                pending);
    }

    DeliveryStatus status() {
        return status;
    }

    private static Counter counter(MeterRegistry meters, String kind, String url, String outcome) {
        return Counter.builder("dualhub.central.alerting.deliveries")
                .description("Alert documents sent to Alertmanager or a webhook, by outcome")
                .tag("kind", kind)
                .tag("target", url)
                .tag("outcome", outcome)
                .register(meters);
    }
}
