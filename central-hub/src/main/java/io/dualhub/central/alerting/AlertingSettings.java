package io.dualhub.central.alerting;

import static io.dualhub.common.config.InvalidSetting.require;
import static io.dualhub.common.config.InvalidSetting.requireAtLeast;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where the leader delivers alerts, and how. Built by {@link #custom()} (each value starting at its default below,
 * the default of its {@code alerting.*} key; nowhere to deliver to) or {@link #ofDefaults()}; every bound is checked
 * here, once, naming the key.
 *
 * @param alertmanagers   Alertmanager base URLs; each gets {@code POST <url>/api/v2/alerts} with every firing alert
 *                        (and those resolved in the last 15 minutes) on every change and every {@code resendInterval}
 * @param webhooks        URLs that get each change (firing or resolved) as one JSON document in Alertmanager's
 *                        webhook format, queued per URL and retried until delivered
 * @param resendInterval  how often firing alerts are sent again to Alertmanager (Prometheus' resend delay); a firing
 *                        alert's {@code endsAt} is four of these ahead, so a silent hub's alerts expire by themselves
 * @param timeout         one delivery's HTTP timeout
 * @param webhookMaxPending changes queued for one webhook at most; past it the oldest are dropped and counted
 * @param storeFailingAfter how long every commit must have failed before the hub raises its store-failing alert
 * @param externalUrl     this hub's dashboard as users reach it: the alerts' links
 */
public record AlertingSettings(
        List<URI> alertmanagers,
        List<URI> webhooks,
        Duration resendInterval,
        Duration timeout,
        int webhookMaxPending,
        Duration storeFailingAfter,
        URI externalUrl) {
    /** How long a resolved alert is still sent to Alertmanager, as Prometheus does. */
    public static final Duration RESOLVED_RETENTION = Duration.ofMinutes(15);
    /** Prometheus' own --rules.alert.resend-delay. */
    public static final Duration DEFAULT_RESEND_INTERVAL = Duration.ofMinutes(1);

    public static final Duration MIN_RESEND_INTERVAL = Duration.ofSeconds(1);
    /** Prometheus' own timeout for Alertmanager. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

    public static final Duration MIN_TIMEOUT = Duration.ofMillis(100);
    /** Changes kept for a webhook that is down, each one alert's JSON on the heap. */
    public static final int DEFAULT_WEBHOOK_MAX_PENDING = 1000;

    public static final int MAX_WEBHOOK_MAX_PENDING = 1_000_000;
    /** A few seconds of failing commits may be one retried checkpoint; a minute is a store that needs someone. */
    public static final Duration DEFAULT_STORE_FAILING_AFTER = Duration.ofMinutes(1);

    public static final Duration MIN_STORE_FAILING_AFTER = Duration.ofSeconds(1);
    /** The dashboard at the default http.host and http.port. */
    public static final URI DEFAULT_EXTERNAL_URL = URI.create("http://127.0.0.1:8470/");

    public AlertingSettings {
        alertmanagers = List.copyOf(alertmanagers);
        webhooks = List.copyOf(webhooks);
        requireAtLeast(resendInterval, MIN_RESEND_INTERVAL, "alerting.resend-interval");
        requireAtLeast(timeout, MIN_TIMEOUT, "alerting.timeout");
        require(
                webhookMaxPending >= 1 && webhookMaxPending <= MAX_WEBHOOK_MAX_PENDING,
                "alerting.webhook.max-pending",
                webhookMaxPending,
                "an integer from 1 to " + MAX_WEBHOOK_MAX_PENDING);
        requireAtLeast(storeFailingAfter, MIN_STORE_FAILING_AFTER, "alerting.store-failing-after");
        require(externalUrl != null, "http.external-url", null, "an http:// or https:// URL");
    }

    public static AlertingSettings ofDefaults() {
        return custom().build();
    }

    public static Builder custom() {
        return new Builder();
    }

    /** True when there is somewhere to deliver to. */
    public boolean any() {
        return !alertmanagers.isEmpty() || !webhooks.isEmpty();
    }

    /** Starts from the defaults, with nowhere to deliver to; each setter replaces one value. */
    public static final class Builder {
        private List<URI> alertmanagers = List.of();
        private List<URI> webhooks = List.of();
        private Duration resendInterval = DEFAULT_RESEND_INTERVAL;
        private Duration timeout = DEFAULT_TIMEOUT;
        private int webhookMaxPending = DEFAULT_WEBHOOK_MAX_PENDING;
        private Duration storeFailingAfter = DEFAULT_STORE_FAILING_AFTER;
        private URI externalUrl = DEFAULT_EXTERNAL_URL;

        private Builder() {}

        public Builder alertmanagers(List<URI> baseUrls) {
            this.alertmanagers = baseUrls;
            return this;
        }

        public Builder webhooks(List<URI> urls) {
            this.webhooks = urls;
            return this;
        }

        public Builder resendInterval(Duration every) {
            this.resendInterval = every;
            return this;
        }

        public Builder timeout(Duration perDelivery) {
            this.timeout = perDelivery;
            return this;
        }

        public Builder webhookMaxPending(int changes) {
            this.webhookMaxPending = changes;
            return this;
        }

        public Builder storeFailingAfter(Duration failing) {
            this.storeFailingAfter = failing;
            return this;
        }

        public Builder externalUrl(URI dashboard) {
            this.externalUrl = dashboard;
            return this;
        }

        public AlertingSettings build() {
            return new AlertingSettings(
                    alertmanagers,
                    webhooks,
                    resendInterval,
                    timeout,
                    webhookMaxPending,
                    storeFailingAfter,
                    externalUrl);
        }
    }
}
