package io.dualhub.central.alerting;

import java.net.URI;
import java.time.Duration;
import java.util.List;

/**
 * Where the leader delivers alerts, and how.
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

    public AlertingSettings {
        alertmanagers = List.copyOf(alertmanagers);
        webhooks = List.copyOf(webhooks);
        if (resendInterval.isNegative() || resendInterval.isZero() || timeout.isNegative() || timeout.isZero()) {
            throw new IllegalArgumentException("BUG: alerting intervals must be positive");
        }
        if (webhookMaxPending < 1) {
            throw new IllegalArgumentException("BUG: webhookMaxPending must be at least 1, got " + webhookMaxPending);
        }
    }

    /** True when there is somewhere to deliver to. */
    public boolean any() {
        return !alertmanagers.isEmpty() || !webhooks.isEmpty();
    }
}
