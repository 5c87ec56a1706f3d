package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HeadlessChromium;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SequencedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.WebElement;

/**
 * The CentralHub's dashboard in a real browser (headless Chromium) against real processes: nats-server, a
 * CentralHub, an edge collecting its host's metrics and one taking written points. Each page shows what the API
 * holds, its charts draw, a bad query shows the API's own error, the page keeps working through a hub restart, and
 * with API tokens set it asks for one and shows nothing without it. Screenshots of every page land in
 * {@code target/dashboard-screenshots}.
 */
class DashboardBrowserTest {
    private static final String HOST_EDGE = "dash-host";
    private static final String WRITTEN_EDGE = "dash-written";
    private static final String FAST_EDGE = "collect:\n  interval: 1s\nheartbeat:\n  interval: 1s\n";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @TempDir
    Path profile;

    @BeforeEach
    void aBrowserIsHere() {
        Assumptions.assumeTrue(
                HeadlessChromium.missing().isEmpty(), HeadlessChromium.missing().orElse(""));
    }

    @Test
    void everyPageShowsWhatTheApiHolds() throws Exception {
        HubProcess central = hubs.central("dash", "");
        hubs.edge(HOST_EDGE, FAST_EDGE);
        HubProcess written = hubs.edge(WRITTEN_EDGE, "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n");
        CentralClient api = new CentralClient(central.url());
        SequencedWriter writer = new SequencedWriter("dashwrite");
        for (int i = 0; i < 5; i++) {
            assertThat(writer.write(written.url(), 100)).isTrue();
        }
        api.awaitStored(writer, WRITTEN_EDGE);
        ShapedSeries.write(written.url(), ShapedSeries.spikedLatency() + ShapedSeries.fillingDisk());
        await("host metrics of a few collections")
                .atMost(Duration.ofSeconds(60))
                .until(() -> api.get("/api/v1/query?metric=host_cpu_utilization_ratio&edge=" + HOST_EDGE)
                                .path("series")
                                .path(0)
                                .path("points")
                                .size()
                        >= 3);

        try (HeadlessChromium browser = HeadlessChromium.start(profile)) {
            browser.open(central.url() + "/");
            fleet(browser, api);
            edge(browser, api);
            explore(browser, api, writer);
            others(browser, api);
            survivesARestart(browser, central);
            saysWhenTheHubHasNoNats(browser);
            fitsAPhone(browser);
        }
    }

    /** NATS goes away: every page says the hub has no NATS connection (and what that means) until it is back. */
    private static void saysWhenTheHubHasNoNats(HeadlessChromium browser) {
        NATS.node(0).stop();
        await("the banner shown")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.text("#problem").startsWith("This CentralHub has no NATS connection"));
        browser.screenshot("no-nats");
        NATS.node(0).start();
        await("the banner gone")
                .atMost(Duration.ofSeconds(60))
                .until(() -> browser.all("#problem").get(0).getText().isEmpty());
    }

    /** At a phone's width the page does not overflow sideways: wide tables scroll within their own box. */
    private static void fitsAPhone(HeadlessChromium browser) {
        browser.resize(390, 844);
        browser.go("#/edge/" + HOST_EDGE);
        await("the host's charts drawn at a phone's width")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.chartsWithLines() >= 4);
        assertThat(((Number) browser.script("return document.documentElement.scrollWidth - window.innerWidth"))
                        .intValue())
                .as("sideways overflow in px")
                .isLessThanOrEqualTo(0);
        browser.screenshot("edge-phone");
    }

    private static void fleet(HeadlessChromium browser, CentralClient api) throws Exception {
        WebElement row = browser.awaitOne("tr[data-edge='" + WRITTEN_EDGE + "']");
        JsonNode edge = api.edge(WRITTEN_EDGE);
        assertThat(row.getText()).contains(edge.path("state").asText());
        assertThat(number(browser.text("tr[data-edge='" + WRITTEN_EDGE + "'] [data-field='pointsStored']")))
                .isEqualTo(edge.path("pointsStored").asLong());
        assertThat(browser.all("#fleet-table tbody tr"))
                .hasSize(api.get("/api/v1/edges").size());
        browser.awaitOne("#fleet-filter").sendKeys("written");
        await().atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.all("#fleet-table tbody tr").size() == 1);
        assertThat(browser.url()).as("the filter is in the URL").contains("q=written");
        browser.awaitOne("th[data-key='pointsStored'] button").click();
        assertThat(browser.awaitOne("th[data-key='pointsStored']").getAttribute("aria-sort"))
                .isEqualTo("ascending");
        browser.go("#/fleet");
        browser.screenshot("fleet");
    }

    private static void edge(HeadlessChromium browser, CentralClient api) throws Exception {
        browser.go("#/edge/" + HOST_EDGE);
        JsonNode edge = api.get("/api/v1/edges/" + HOST_EDGE);
        await("the host's charts drawn").atMost(HeadlessChromium.PATIENCE).until(() -> browser.chartsWithLines() >= 4);
        assertThat(browser.text("#edge-cards"))
                .contains(edge.path("host").asText(), edge.path("state").asText());
        assertThat(browser.text("#edge-transitions"))
                .contains(edge.path("transitions").path(0).path("reason").asText());
        assertThat(browser.text("#edge-latency")).contains("collect → stored");
        browser.screenshot("edge");
    }

    private static void explore(HeadlessChromium browser, CentralClient api, SequencedWriter writer) throws Exception {
        browser.go("#/explore?metric=" + writer.metric() + "&edge=" + WRITTEN_EDGE + "&range=7d");
        await("the written series charted")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.chartsWithLines() == 1);
        assertThat(browser.text("#explore-table")).contains(WRITTEN_EDGE, "500");
        assertThat(browser.text("#explore-tier")).contains("raw points");
        browser.screenshot("explore");

        String apiError = api.error("/api/v1/query?metric=" + writer.metric() + "&step=fortnightly");
        browser.go("#/explore?metric=" + writer.metric() + "&step=fortnightly");
        await("the API's error shown")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.text("#explore-error").equals(apiError));
    }

    private static void others(HeadlessChromium browser, CentralClient api) throws Exception {
        browser.go("#/alerts");
        awaitShown(browser, "#alerts-active", "latency_ms{svc=api} on edge " + WRITTEN_EDGE + " is anomalous");
        awaitShown(browser, "#alerts-forecasts-note", "the soonest heading for a limit drawn");
        await("the incident and the filling disk charted")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.chartsWithLines() >= 2
                        && browser.text("#alerts-anomalies").contains(WRITTEN_EDGE + ": latency_ms{svc=\"api\"}")
                        && browser.text("#alerts-forecasts").contains(WRITTEN_EDGE));
        browser.screenshot("alerts");

        browser.go("#/recovery");
        awaitShown(browser, "#recovery-table", firstOr(api, "/api/v1/recovery", "playbook", "No recovery action"));
        browser.screenshot("recovery");

        browser.go("#/pipeline");
        long stored = api.pointsStored();
        await("the pipeline's numbers and stored rate")
                .atMost(Duration.ofSeconds(90))
                .until(() -> number(cardValue(browser, "Points stored")) >= stored && browser.chartsWithLines() == 4);
        assertThat(cardValue(browser, "Leader")).isEqualTo("dash");
        awaitShown(browser, "#pipeline-hubs", "dash (this page)");
        assertThat(cardValue(browser, "NATS"))
                .isEqualTo(api.health().path("nats").asText());
        browser.screenshot("pipeline");
    }

    /** The hub goes away and comes back: the page says it is reconnecting, then shows live data again. */
    private static void survivesARestart(HeadlessChromium browser, HubProcess central) {
        browser.go("#/fleet");
        browser.awaitOne("tr[data-edge='" + HOST_EDGE + "']");
        central.stop();
        await("reconnecting shown")
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.text("#connection").startsWith("reconnecting"));
        browser.screenshot("reconnecting");
        central.start();
        await("live again")
                .atMost(Duration.ofSeconds(60))
                .until(() -> browser.text("#connection").startsWith("live"));
        assertThat(browser.all("tr[data-edge='" + HOST_EDGE + "']")).hasSize(1);
    }

    @Test
    void withApiTokensThePageAsksForOneAndShowsNothingWithout() throws Exception {
        String token = "viewer-dash-4c1e";
        hubs.secret("the viewer token", token);
        Path file = Files.writeString(hubs.dir().resolve("viewer.token"), token + "\n");
        HubProcess central = hubs.central("tokens", "api:\n  viewer-token: file:" + file + "\n");
        hubs.edge(HOST_EDGE, FAST_EDGE);

        try (HeadlessChromium browser = HeadlessChromium.start(profile)) {
            browser.open(central.url() + "/#/fleet");
            await("asked for a token")
                    .atMost(HeadlessChromium.PATIENCE)
                    .until(() -> browser.awaitOne("#token-dialog").isDisplayed());
            assertThat(browser.all("tr[data-edge]"))
                    .as("nothing shown without a token")
                    .isEmpty();
            browser.screenshot("token");

            browser.awaitOne("#token-input").sendKeys("not-the-token");
            browser.awaitOne("#token-form button").click();
            await("refused, asked again")
                    .atMost(HeadlessChromium.PATIENCE)
                    .until(() -> browser.text("#token-why").startsWith("That token was refused"));
            assertThat(browser.all("tr[data-edge]")).isEmpty();

            browser.awaitOne("#token-input").sendKeys(token);
            browser.awaitOne("#token-form button").click();
            browser.awaitOne("tr[data-edge='" + HOST_EDGE + "']");
            assertThat(browser.awaitOne("#token-dialog").isDisplayed()).isFalse();
        }
    }

    /** The first entry's {@code field} of the API's list at {@code path}, or what the page says when it is empty. */
    private static String firstOr(CentralClient api, String path, String field, String empty) throws Exception {
        JsonNode list = api.get(path);
        return list.isEmpty() ? empty : list.path(0).path(field).asText();
    }

    private static void awaitShown(HeadlessChromium browser, String css, String expected) {
        await("'" + expected + "' in " + css)
                .atMost(HeadlessChromium.PATIENCE)
                .until(() -> browser.text(css).contains(expected));
    }

    private static String cardValue(HeadlessChromium browser, String label) {
        Object value = browser.script(
                "const c = [...document.querySelectorAll('.cards .card')].find((c) =>"
                        + " c.querySelector('.label').textContent === arguments[0]);"
                        + " return c ? c.querySelector('.value').textContent : '';",
                label);
        return String.valueOf(value);
    }

    private static long number(String shown) {
        String digits = shown.replaceAll("[^0-9]", "");
        return digits.isEmpty() ? -1 : Long.parseLong(digits);
    }
}
