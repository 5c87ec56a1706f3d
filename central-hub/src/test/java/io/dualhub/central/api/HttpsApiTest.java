package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.central.TestCentral;
import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.config.ConfigException;
import io.dualhub.common.tls.PemFiles;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OsProcess;
import io.dualhub.testkit.TestCertificates;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CentralHub's API over HTTPS from PEM files (certificates made by openssl in the test): served on http.port,
 * HTTPS only; a client trusting the CA reads it, plain HTTP gets nothing; `status --ca` reads it and without the CA
 * says what to pass. Bad files stop start-up naming the key.
 */
class HttpsApiTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    private static final TestCertificates CERTS = TestCertificates.make();

    @TempDir
    Path dir;

    @Test
    void theApiAndTheDashboardAreServedOverHttpsOnlyOnTheirPort() throws Exception {
        Assumptions.assumeTrue(CERTS.available(), "skipped: openssl is needed to make the test certificates");
        try (TestCentral hub = TestCentral.start(
                NATS,
                dir.resolve("store"),
                Map.of(
                        "http.tls.cert",
                        CERTS.file("server.pem").toString(),
                        "http.tls.key",
                        CERTS.file("server.key").toString()))) {
            int port = hub.port();
            HttpClient trusting = HttpClient.newBuilder()
                    .sslContext(PemFiles.clientTrusting(CERTS.file("ca.pem"), "test CA"))
                    .build();
            HttpResponse<String> stats = trusting.send(
                    HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/api/v1/stats"))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertThat(stats.statusCode()).isEqualTo(200);
            assertThat(stats.body()).contains("pointsStored");
            for (String page : new String[] {"/", "/ui/app.js", "/ui/uplot.js"}) {
                HttpResponse<String> asset = trusting.send(
                        HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + page))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
                assertThat(asset.statusCode())
                        .as("the dashboard's " + page + " over https")
                        .isEqualTo(200);
                assertThat(asset.body()).isNotBlank();
            }
            assertThatThrownBy(() -> HttpClient.newHttpClient()
                            .send(
                                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/stats"))
                                            .timeout(Duration.ofSeconds(5))
                                            .build(),
                                    HttpResponse.BodyHandlers.ofString()))
                    .as("no plain HTTP")
                    .isInstanceOf(IOException.class);

            String url = "https://127.0.0.1:" + port;
            OsProcess withCa = status(url, "--ca", CERTS.file("ca.pem").toString());
            assertThat(withCa.exitValue()).as(Files.readString(withCa.log())).isZero();
            assertThat(Files.readString(withCa.log())).contains("CentralHub " + url + ": instance main");
            OsProcess withoutCa = status(url);
            assertThat(withoutCa.exitValue()).isEqualTo(1);
            assertThat(Files.readString(withoutCa.log()))
                    .contains("cannot verify the TLS certificate", "--ca FILE or DUALHUB_CA");
        }
    }

    @Test
    void badFilesStopStartUpNamingTheKey() throws Exception {
        Path notPem = Files.writeString(dir.resolve("cert.pem"), "hello");
        assertThatThrownBy(() -> CentralConfig.load(null, Map.of("http.tls.cert", notPem.toString())))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("http.tls.cert and http.tls.key go together");
        assertThatThrownBy(() -> CentralConfig.load(
                        null, Map.of("http.tls.cert", notPem.toString(), "http.tls.key", notPem.toString())))
                .hasMessageContaining("http.tls.cert names " + notPem)
                .hasMessageContaining("no PEM certificate");
    }

    /** `dualhub status` as its own process (the CLI's exit status and output), on this test's class path. */
    private OsProcess status(String url, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp",
                System.getProperty("java.class.path"),
                "io.dualhub.cli.OperatorCommands",
                "status",
                "--central",
                url));
        cmd.addAll(List.of(extra));
        OsProcess p = OsProcess.start("status", cmd, dir.resolve("status-" + extra.length + ".log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        return p;
    }
}
