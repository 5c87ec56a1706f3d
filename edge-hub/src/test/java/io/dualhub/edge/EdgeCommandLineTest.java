package io.dualhub.edge;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.HubCommand;
import io.dualhub.edge.config.EdgeConfig;
import io.dualhub.testkit.CliRun;
import org.junit.jupiter.api.Test;

/** The edge agent's flags: help, unknown flags, missing values and a value its configuration refuses. */
class EdgeCommandLineTest {
    private static HubCommand<EdgeConfig> edge() {
        return new HubCommand<>("edge", EdgeMain.FLAGS, EdgeConfig::load);
    }

    @Test
    void everyFlagIsInTheUsageAndBadOnesAreOneLine() {
        CliRun.assertStandardFlags(() -> edge().spec(), "--id");
        CliRun.assertStandardFlags(() -> edge().spec(), "--nkey");
        assertThat(CliRun.of(edge().spec(), "--help").out())
                .contains("--config=FILE", "--id=VALUE", "--nats=VALUE", "--data=VALUE", "--port=VALUE", "--nkey");
        CliRun bad = CliRun.of(edge().spec(), "--id", "web.3");
        assertThat(bad.status()).isEqualTo(Cli.USAGE);
        assertThat(bad.err()).hasLineCount(1).startsWith("dualhub edge: ").contains("web.3");
    }
}
