package io.dualhub.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import org.junit.jupiter.api.Test;

/** {@code ./dualhub bench}'s command line; each refusal comes before anything is measured. */
class BenchMainTest {
    @Test
    void helpUnknownFlagsAndMissingValues() {
        CliRun.assertStandardFlags(BenchMain::new, "--duration");
        CliRun.assertStandardFlags(BenchMain::new, "--out", "e2e");
    }

    @Test
    void anUnknownStageOrAShortDurationIsOneLine() {
        CliRun stage = CliRun.of(new BenchMain(), "ingest", "ingress");
        assertThat(stage.status()).isEqualTo(Cli.USAGE);
        assertThat(stage.err())
                .isEqualTo("dualhub bench: unknown stage 'ingress'; valid: " + String.join(", ", BenchMain.STAGES)
                        + ", all\n");
        CliRun shortRun = CliRun.of(new BenchMain(), "e2e", "--duration", "30");
        assertThat(shortRun.status()).isEqualTo(Cli.USAGE);
        assertThat(shortRun.err()).hasLineCount(1).contains("--duration 30: at least 60 seconds");
    }
}
