package io.dualhub.central.alerting;

import io.dualhub.central.analysis.Alert;
import io.dualhub.central.analysis.AlertBoard;
import io.dualhub.common.DaemonThreads;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingDeque;
import java.util.concurrent.LinkedBlockingDeque;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the alert board's changes to Alertmanager and webhooks, from the leader only.
 *
 * <p>Every hub keeps the same copy of what fires (the board hands each change over through {@link #accept}, which
 * never blocks, so delivery never holds up analysis or storage); only while this hub holds the lease does it send.
 * Alertmanager gets the whole set, the way Prometheus sends it: every firing alert with {@code endsAt} four resend
 * intervals ahead (so the alerts of a hub that fell silent expire by themselves) and every alert resolved in the last
 * {@link AlertingSettings#RESOLVED_RETENTION} with its resolution time, on each change and every resend interval;
 * a hub that becomes leader sends at once, so Alertmanager never lacks what fires. Webhooks get each change once, in
 * order, queued per URL; a new leader queues every firing alert again (receivers tell repeats by fingerprint).
 * Failed attempts are retried with backoff and jitter, forever for Alertmanager (the next set replaces the last),
 * and for webhooks until {@code alerting.webhook.max-pending} changes wait, past which the oldest are dropped and
 * counted. An alert about this hub itself ({@link Alert#aboutItsHub()}, like its store failing) is sent by this hub
 * whether it leads or not: the leader's board does not know it.
 *
 * <p>Threads: one delivery thread owns the copy, the queues and the targets' retry state; {@link #runOnce} is its
 * step (a test drives it with its own clock and poster); {@link #status()} reads the snapshots it publishes.
 */
public final class AlertDelivery implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AlertDelivery.class);
    private static final long TICK_MS = 1000;
    /** Webhook documents sent to one target in one step at most, so one busy target does not starve the others. */
    private static final int WEBHOOK_BURST = 100;

    private final AlertingSettings settings;
    private final BooleanSupplier leader;
    private final AlertPoster poster;
    private final Clock clock;
    private final AlertDocuments documents;
    private final BlockingDeque<AlertBoard.Change> inbox = new LinkedBlockingDeque<>();
    private final Map<String, Alert> firing = new LinkedHashMap<>();
    private final Map<String, Resolved> resolved = new LinkedHashMap<>();
    private final List<Alertmanager> alertmanagers = new ArrayList<>();
    private final List<Webhook> webhooks = new ArrayList<>();
    private final Counter webhookDropped;
    private final Thread thread;
    private volatile boolean running = true;
    private boolean wasLeader;

    private record Resolved(Alert alert, long atMs) {}

    /** An Alertmanager: sent the whole set when it changed or the resend interval passed. */
    private static final class Alertmanager {
        final DeliveryTarget target;
        boolean changed = true;
        long nextResendMs;

        Alertmanager(DeliveryTarget target) {
            this.target = target;
        }
    }

    /** A change waiting for a webhook; {@code ownHub} when it is about this hub (sent even by a standby). */
    private record Pending(byte[] document, boolean ownHub) {}

    /** A webhook: the changes not yet delivered, oldest first. */
    private static final class Webhook {
        final DeliveryTarget target;
        final Deque<Pending> pending = new ArrayDeque<>();

        Webhook(DeliveryTarget target) {
            this.target = target;
        }
    }

    public AlertDelivery(
            AlertingSettings settings, BooleanSupplier leader, AlertPoster poster, Clock clock, MeterRegistry meters) {
        this.settings = settings;
        this.leader = leader;
        this.poster = poster;
        this.clock = clock;
        this.documents = new AlertDocuments(settings.externalUrl());
        for (URI url : settings.alertmanagers()) {
            URI api = URI.create(url.toString().replaceAll("/+$", "") + "/api/v2/alerts");
            alertmanagers.add(new Alertmanager(new DeliveryTarget("alertmanager", api, meters)));
        }
        for (URI url : settings.webhooks()) {
            webhooks.add(new Webhook(new DeliveryTarget("webhook", url, meters)));
        }
        this.webhookDropped = Counter.builder("dualhub.central.alerting.webhook.dropped")
                .description("Alert changes dropped because alerting.webhook.max-pending were waiting for a webhook")
                .register(meters);
        this.thread = DaemonThreads.thread("alert-delivery", this::run);
    }

    public void start() {
        if (settings.any()) {
            thread.start();
        }
    }

    /** Takes a change of the board; any thread, never blocks. */
    public void accept(AlertBoard.Change change) {
        if (settings.any()) {
            inbox.add(change);
        }
    }

    /** Every target's state, Alertmanagers first. */
    public List<DeliveryTarget.DeliveryStatus> status() {
        List<DeliveryTarget.DeliveryStatus> all = new ArrayList<>();
        alertmanagers.forEach(a -> all.add(a.target.status()));
        webhooks.forEach(w -> all.add(w.target.status()));
        return all;
    }

    private void run() {
        while (running) {
            try {
                AlertBoard.Change next = inbox.pollFirst(TICK_MS, TimeUnit.MILLISECONDS);
                if (next != null) {
                    inbox.offerFirst(next); // the only consumer: put back, runOnce takes it in order
                }
                runOnce();
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.error("alert delivery step failed; continuing", e);
            }
        }
    }

    /** One step: take the board's changes, then send what is due. */
    void runOnce() throws InterruptedException {
        long now = clock.millis();
        boolean lead = leader.getAsBoolean();
        boolean becameLeader = lead && !wasLeader;
        wasLeader = lead;
        if (becameLeader) { // what fired before this step: its changes were not sent while a standby
            alertmanagers.forEach(a -> a.changed = true);
            if (!webhooks.isEmpty()) {
                firing.values().forEach(a -> queue(a, documents.webhook(a, true, 0)));
            }
        }
        for (AlertBoard.Change change; (change = inbox.pollFirst()) != null; ) {
            take(change, now, lead);
        }
        resolved.values().removeIf(r -> now - r.atMs() > AlertingSettings.RESOLVED_RETENTION.toMillis());
        if (!lead) { // the leader delivers the fleet's alerts; a new one queues what fires anew
            webhooks.forEach(w -> {
                w.pending.removeIf(p -> !p.ownHub());
                w.target.publish(w.pending.size());
            });
        }
        for (Alertmanager am : alertmanagers) {
            sendSet(am, now, lead);
        }
        for (Webhook webhook : webhooks) {
            drain(webhook, now);
        }
    }

    private void take(AlertBoard.Change change, long now, boolean lead) {
        Alert alert = change.alert();
        if (change.firing()) {
            firing.put(alert.key(), alert);
            resolved.remove(alert.key());
        } else {
            firing.remove(alert.key());
            resolved.put(alert.key(), new Resolved(alert, now));
        }
        alertmanagers.forEach(a -> a.changed = true);
        if (!webhooks.isEmpty() && (lead || alert.aboutItsHub())) {
            queue(alert, documents.webhook(alert, change.firing(), now));
        }
    }

    private void queue(Alert alert, byte[] document) {
        for (Webhook webhook : webhooks) {
            webhook.pending.addLast(new Pending(document, alert.aboutItsHub()));
            while (webhook.pending.size() > settings.webhookMaxPending()) {
                webhook.pending.removeFirst();
                webhookDropped.increment();
            }
            webhook.target.publish(webhook.pending.size());
        }
    }

    /** The whole set (a standby's: only the alerts about itself, and nothing when it has none). */
    private void sendSet(Alertmanager am, long now, boolean lead) throws InterruptedException {
        if (!am.target.due(now) || !(am.changed || now >= am.nextResendMs)) {
            return;
        }
        long resend = settings.resendInterval().toMillis();
        List<Map<String, Object>> set = new ArrayList<>();
        firing.values().stream()
                .filter(a -> lead || a.aboutItsHub())
                .forEach(a -> set.add(documents.alert(a, now + 4 * resend)));
        resolved.values().stream()
                .filter(r -> lead || r.alert().aboutItsHub())
                .forEach(r -> set.add(documents.alert(r.alert(), r.atMs())));
        if (!lead && set.isEmpty()) {
            am.changed = false;
            return;
        }
        try {
            poster.post(am.target.url(), documents.alertmanager(set));
            am.changed = false;
            am.nextResendMs = now + resend;
            am.target.delivered(now, 0);
        } catch (IOException e) {
            am.target.failed(now, e, 0);
        }
    }

    private void drain(Webhook webhook, long now) throws InterruptedException {
        for (int sent = 0; sent < WEBHOOK_BURST && !webhook.pending.isEmpty() && webhook.target.due(now); sent++) {
            try {
                poster.post(webhook.target.url(), webhook.pending.peekFirst().document());
                webhook.pending.removeFirst();
                webhook.target.delivered(now, webhook.pending.size());
            } catch (IOException e) {
                webhook.target.failed(now, e, webhook.pending.size());
            }
        }
    }

    @Override
    public void close() {
        running = false;
        thread.interrupt();
        DaemonThreads.awaitEnd(thread);
    }
}
