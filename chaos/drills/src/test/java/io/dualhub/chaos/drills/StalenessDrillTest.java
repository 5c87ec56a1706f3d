package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.RemoteWriteReceiver;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A scraped series that disappears ends where it disappeared, for PromQL too: the edge writes Prometheus' staleness
 * marker, the CentralHub passes it to a real Prometheus through the remote-write export, and Prometheus' instant
 * query stops answering the series at once instead of repeating its last value for its 5-minute look-back. The
 * marker is not stored at the hub (it keeps samples), which answers the series' samples only.
 */
class StalenessDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    private volatile String page = "vanishing_gauge 1\nstaying_gauge 2\n";

    @Test
    void aSeriesGoneFromItsPageEndsAtTheExportReceiverAtOnce() throws Exception {
        Assumptions.assumeTrue(
                RemoteWriteReceiver.missing().isEmpty(),
                RemoteWriteReceiver.missing().orElse(""));
        HttpServer target = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        target.createContext("/metrics", x -> {
            byte[] body = page.getBytes(StandardCharsets.UTF_8);
            x.sendResponseHeaders(200, body.length);
            try (OutputStream out = x.getResponseBody()) {
                out.write(body);
            }
        });
        target.start();
        try (RemoteWriteReceiver prometheus =
                RemoteWriteReceiver.prometheus(hubs.dir().resolve("prom"))) {
            HubProcess central =
                    hubs.central("c1", "export:\n  remote-write:\n    urls: " + prometheus.writeUrl() + "\n");
            hubs.edge("scraping-edge", """
                    collect:
                      enabled: false
                    scrape:
                      interval: 1s
                      timeout: 500ms
                      targets:
                        - job: page
                          urls: [http://127.0.0.1:%d/metrics]
                    """.formatted(target.getAddress().getPort()));
            await("both series at Prometheus")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() ->
                            prometheus.seriesNow("vanishing_gauge") == 1 && prometheus.seriesNow("staying_gauge") == 1);

            page = "staying_gauge 2\n";
            await("vanishing_gauge ended at Prometheus, well within its 5-minute look-back")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> prometheus.seriesNow("vanishing_gauge") == 0);
            assertThat(prometheus.seriesNow("staying_gauge")).isEqualTo(1);

            CentralClient hub = new CentralClient(central.url());
            assertThat(hub.meter("dualhub_central_stale_markers_total")).isPositive();
            JsonNode stored = hub.get("/api/v1/query?metric=vanishing_gauge&edge=scraping-edge");
            assertThat(stored.path("series")).singleElement().satisfies(series -> {
                assertThat(series.path("points")).isNotEmpty();
                series.path("points")
                        .forEach(p -> assertThat(p.get(1).asDouble()).isEqualTo(1.0));
            });
        } finally {
            target.stop(0);
        }
    }
}
