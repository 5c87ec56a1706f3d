package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import org.junit.jupiter.api.Test;

/** {@code ./dualhub rate}'s command line; each refusal comes before anything starts. */
class RateProbeTest {
    @Test
    void helpUnknownFlagsAndMissingValues() {
        CliRun.assertStandardFlags(RateProbe::new, "--points");
        CliRun.assertStandardFlags(RateProbe::new, "--lines", "--points", "10000");
    }

    @Test
    void aTrailingFlagWithoutItsValueIsRefusedNotIgnored() {
        CliRun run = CliRun.of(new RateProbe(), "--points", "10000", "--connections");
        assertThat(run.status()).isEqualTo(Cli.USAGE);
        assertThat(run.err()).hasLineCount(1).contains("'--connections'");
        assertThat(CliRun.of(new RateProbe(), "--lines", "0").err())
                .hasLineCount(1)
                .contains("--lines 0: at least one connection");
    }
}
