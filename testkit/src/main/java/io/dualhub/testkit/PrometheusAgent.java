package io.dualhub.testkit;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * A real Prometheus (Debian's {@code prometheus} 2.42, or {@code $PROMETHEUS}) in agent mode: it scrapes one target
 * and remote-writes every sample to a URL, keeping what it could not send yet in its write-ahead log and sending it
 * again until it is taken, as users run it in front of a remote-write receiver.
 */
public final class PrometheusAgent implements AutoCloseable {
    private static final String BINARY = System.getenv().getOrDefault("PROMETHEUS", "/usr/bin/prometheus");

    private final OsProcess process;

    private PrometheusAgent(OsProcess process) {
        this.process = process;
    }

    /** Why Prometheus cannot run here, or empty when it can. */
    public static Optional<String> missing() {
        return new File(BINARY).canExecute()
                ? Optional.empty()
                : Optional.of("no Prometheus at " + BINARY + " (Debian package prometheus; PROMETHEUS names another)");
    }

    /**
     * Starts one in {@code dir} scraping {@code target} ({@code host:port}, path {@code /metrics}) as job
     * {@code job} every {@code interval} (like {@code 200ms}) and remote-writing to {@code writeUrl}, retrying a
     * failed send within half a second.
     */
    public static PrometheusAgent start(Path dir, String job, String target, String interval, String writeUrl) {
        try {
            Files.createDirectories(dir);
            Path config =
                    Files.writeString(dir.resolve("prometheus.yml"), """
                    global:
                      scrape_interval: %s
                    scrape_configs:
                      - job_name: %s
                        static_configs:
                          - targets: ['%s']
                    remote_write:
                      - url: %s
                        queue_config: {batch_send_deadline: 200ms, min_backoff: 50ms, max_backoff: 500ms}
                    """.formatted(interval, job, target, writeUrl));
            return new PrometheusAgent(OsProcess.start(
                    "prometheus-agent",
                    List.of(
                            BINARY,
                            "--enable-feature=agent",
                            "--config.file=" + config,
                            "--storage.agent.path=" + dir.resolve("wal"),
                            "--web.listen-address=127.0.0.1:" + FreePorts.next()),
                    dir.resolve("prometheus.log")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        process.kill9();
    }
}
