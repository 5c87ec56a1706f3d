package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OsProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CentralHub with API tokens from files: /api/** refuses a request without a token (401) and a viewer's POST
 * (403), lets the viewer read and the operator act; /health stays open for probes; {@code ./dualhub status} works
 * with {@code --token} and says what to pass without it, {@code ./dualhub backup} needs the operator's; neither token
 * appears in the hub's log.
 */
class ApiTokensDrillTest {
    private static final String VIEWER = "viewer-7f3a9c";
    private static final String OPERATOR = "operator-51d0e2";
    private final HttpClient http = HttpClient.newHttpClient();

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void viewersReadOperatorsActOthersAreRefused() throws Exception {
        hubs.secret("the viewer token", VIEWER).secret("the operator token", OPERATOR);
        Path viewer = Files.writeString(hubs.dir().resolve("viewer.token"), VIEWER + "\n");
        Path operator = Files.writeString(hubs.dir().resolve("operator.token"), OPERATOR + "\n");
        HubProcess central = hubs.central(
                "secured", "api:\n  viewer-token: file:" + viewer + "\n" + "  operator-token: file:" + operator + "\n");

        HttpResponse<String> anonymous = send(central, "GET", "/api/v1/edges", null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("WWW-Authenticate")).hasValue("Bearer");
        assertThat(anonymous.body()).contains("Authorization: Bearer");
        assertThat(send(central, "GET", "/api/v1/edges", "wrong").statusCode()).isEqualTo(401);
        assertThat(send(central, "GET", "/api/v1/edges", VIEWER).statusCode()).isEqualTo(200);
        HttpResponse<String> viewerActs = send(central, "POST", "/api/v1/edges/web-3/decommission", VIEWER);
        assertThat(viewerActs.statusCode()).isEqualTo(403);
        assertThat(viewerActs.body()).contains("needs the operator token");
        assertThat(send(central, "POST", "/api/v1/edges/web-3/decommission", OPERATOR)
                        .statusCode())
                .as("authorised, and the edge is unknown")
                .isEqualTo(404);
        assertThat(send(central, "GET", "/health", null).statusCode()).isEqualTo(200);

        assertThat(status(central, "--token", VIEWER).exitValue()).isZero();
        assertThat(Files.readString(hubs.dir().resolve("status.log"))).contains("EDGE", "STATE");
        assertThat(status(central).exitValue()).isEqualTo(1);
        assertThat(Files.readString(hubs.dir().resolve("status.log"))).contains("refused", "--token");

        Path backup = hubs.dir().resolve("secured.duckdb");
        assertThat(backup(central, backup, VIEWER).exitValue()).isEqualTo(1);
        assertThat(Files.readString(hubs.dir().resolve("backup.log")))
                .contains("refused the backup (403)", "needs the operator token");
        assertThat(backup).doesNotExist();
        assertThat(backup(central, backup, OPERATOR).exitValue()).isZero();
        assertThat(backup).isNotEmptyFile();
        assertThat(backup(central, backup, OPERATOR).exitValue())
                .as("never overwrites")
                .isEqualTo(2);
    }

    private OsProcess backup(HubProcess central, Path out, String token) {
        OsProcess p = OsProcess.start(
                "backup",
                List.of(
                        HubProcess.home().resolve("dualhub").toString(),
                        "backup",
                        "--central",
                        central.url(),
                        "--out",
                        out.toString(),
                        "--token",
                        token),
                hubs.dir().resolve("backup.log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        return p;
    }

    private HttpResponse<String> send(HubProcess hub, String method, String path, String token) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(hub.url() + path))
                .timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            b.header("Authorization", "Bearer " + token);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private OsProcess status(HubProcess central, String... extra) throws Exception {
        List<String> cmd = new ArrayList<>(
                List.of(HubProcess.home().resolve("dualhub").toString(), "status", "--central", central.url()));
        cmd.addAll(List.of(extra));
        OsProcess p = OsProcess.start("status", cmd, hubs.dir().resolve("status.log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        return p;
    }
}
