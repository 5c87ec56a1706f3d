package io.dualhub.central.api;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.TestCentral;
import io.dualhub.testkit.ManagementEndpoints;
import io.dualhub.testkit.NatsFixture;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The CentralHub serves health and metrics to anyone, and none of the framework's other management endpoints. */
class ManagementEndpointsTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @TempDir
    Path dir;

    @Test
    void onlyHealthAndMetricsOfTheManagementEndpointsAreServed() throws Exception {
        try (TestCentral hub = TestCentral.start(NATS, dir, Map.of())) {
            String url = hub.url();
            assertThat(ManagementEndpoints.statuses(url, ManagementEndpoints.OPEN))
                    .allSatisfy((path, status) -> assertThat(status).as(path).isEqualTo(200));
            assertThat(ManagementEndpoints.statuses(url, ManagementEndpoints.CLOSED))
                    .allSatisfy((path, status) -> assertThat(status).as(path).isIn(401, 403, 404, 405));
        }
    }
}
