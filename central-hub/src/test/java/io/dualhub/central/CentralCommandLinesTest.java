package io.dualhub.central;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.analysis.AnalyzeMain;
import io.dualhub.central.config.CentralConfig;
import io.dualhub.central.store.RestoreCommand;
import io.dualhub.common.cli.Cli;
import io.dualhub.common.cli.HubCommand;
import io.dualhub.testkit.CliRun;
import org.junit.jupiter.api.Test;

/** The CentralHub's command lines: the hub's flags, {@code restore} and {@code analyze}. */
class CentralCommandLinesTest {
    @Test
    void theHubsFlags() {
        CliRun.assertStandardFlags(
                () -> new HubCommand<>("central", CentralMain.FLAGS, CentralConfig::load).spec(), "--port");
        CliRun.assertStandardFlags(
                () -> new HubCommand<>("central", CentralMain.FLAGS, CentralConfig::load).spec(), "--config");
        CliRun bad = CliRun.of(
                new HubCommand<>("central", CentralMain.FLAGS, CentralConfig::load).spec(), "--port", "eighty");
        assertThat(bad.status()).isEqualTo(Cli.USAGE);
        assertThat(bad.err()).hasLineCount(1).startsWith("dualhub central: ").contains("http.port");
    }

    @Test
    void restore() {
        CliRun.assertStandardFlags(() -> new RestoreCommand(System.out), "--data", "backup.duckdb");
    }

    @Test
    void analyze() {
        CliRun.assertStandardFlags(AnalyzeMain::new, "--nab", "nab");
        CliRun.assertStandardFlags(AnalyzeMain::new, "--detector-results", "nab");
        CliRun.assertStandardFlags(AnalyzeMain::new, "--nab", "forecast");
        CliRun none = CliRun.of(new AnalyzeMain());
        assertThat(none.status()).isEqualTo(Cli.USAGE);
        assertThat(none.err())
                .hasLineCount(1)
                .startsWith("dualhub analyze: a command is needed: ")
                .contains("nab", "forecast");
        CliRun noNab = CliRun.of(new AnalyzeMain(), "nab", "--nab", "");
        assertThat(noNab.status()).isEqualTo(Cli.USAGE);
        assertThat(noNab.err()).hasLineCount(1).contains("--nab DIR (or NAB_DIR) is required");
    }
}
