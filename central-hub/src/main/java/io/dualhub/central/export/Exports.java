package io.dualhub.central.export;

import io.dualhub.central.alerting.FailingAlerts;
import io.dualhub.central.recovery.RecoveryAction;
import io.dualhub.central.store.EdgeStoreState;
import io.dualhub.common.DaemonThreads;
import io.dualhub.common.Partition;
import io.dualhub.common.nats.NatsLink;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * One {@link RemoteWriteExporter} per configured receiver, each on its own thread; none without a receiver. Each
 * reconciles what it exported with what this hub stored ({@code stored}: the store's per-edge state).
 */
public final class Exports implements AutoCloseable {
    private final ExportSettings settings;
    private final List<RemoteWriteExporter> exporters = new ArrayList<>();
    // each request encoded, sent and waited for on one of these: as many threads as requests may be in flight.
    // Null without a receiver (as http): a hub that exports nothing starts no threads for it
    private final ExecutorService senders;
    // the HTTP clients' own work (connections, reading answers)
    private final ExecutorService http;

    public Exports(
            ExportSettings settings,
            NatsLink nats,
            BooleanSupplier leads,
            Supplier<Collection<EdgeStoreState>> stored,
            String userAgent,
            MeterRegistry meters,
            Consumer<RecoveryAction> audit,
            String instance,
            Partition partition,
            Clock clock) {
        this.settings = settings;
        int targets = settings.targets().size();
        this.senders = targets == 0 ? null : DaemonThreads.pool("export-send", targets * settings.parallelRequests());
        this.http = targets == 0
                ? null
                : DaemonThreads.pool(
                        "export-http",
                        targets
                                * Math.min(
                                        settings.parallelRequests(),
                                        Runtime.getRuntime().availableProcessors()));
        for (ExportTarget target : settings.targets()) {
            URI url = target.url();
            exporters.add(new RemoteWriteExporter(
                    url,
                    settings,
                    new ExportFeed(
                            nats,
                            partition.qualify(consumerName(url)),
                            partition,
                            ExportSettings.ACK_WAIT,
                            ExportFeed.MAX_ACK_PENDING),
                    RemoteWriteClient.http(target, settings.timeout(), userAgent, http, senders),
                    senders,
                    leads,
                    stored,
                    meters,
                    audit,
                    instance,
                    clock,
                    d -> Thread.sleep(d.toMillis())));
        }
    }

    /**
     * The durable consumers' name for a receiver: {@code export-} and a digest of its URL, so every hub given the same
     * URL continues the same checkpoint (and a changed URL starts a new one, from the streams' start).
     */
    static String consumerName(URI url) {
        try {
            byte[] digest =
                    MessageDigest.getInstance("SHA-256").digest(url.toString().getBytes(StandardCharsets.UTF_8));
            return "export-" + HexFormat.of().formatHex(digest, 0, 6);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("BUG: every JDK has SHA-256", e);
        }
    }

    public void start() {
        exporters.forEach(RemoteWriteExporter::start);
    }

    public List<RemoteWriteExporter.ExportStatus> statuses() {
        return exporters.stream().map(RemoteWriteExporter::status).toList();
    }

    /** Each receiver's failing alert, for {@link FailingAlerts}. */
    public List<FailingAlerts.Watched> watched() {
        return exporters.stream()
                .map(e -> FailingAlerts.Watched.export(
                        e.target(), e::failingForMs, () -> e.status().lastError(), settings.alertAfter()))
                .toList();
    }

    @Override
    public void close() {
        exporters.forEach(RemoteWriteExporter::close);
        if (http != null) {
            senders.shutdownNow();
            http.shutdownNow();
        }
    }
}
