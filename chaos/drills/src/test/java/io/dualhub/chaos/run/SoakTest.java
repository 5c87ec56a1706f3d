package io.dualhub.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The soak's arithmetic and its flags: slopes that a restart does not bend, and bounds that say what is valid. */
class SoakTest {
    private static final long MINUTE = 60_000;

    @Test
    void aSlopeIsTheTrendWithinEachLifeOfAProcess() {
        List<SoakSample> samples = new ArrayList<>();
        for (int m = 0; m < 30; m++) { // 3 MB per hour, 200 MB at the start
            samples.add(new SoakSample(m * MINUTE, "edge-1", 1, "rss_mb", 200 + 3.0 * m / 60));
        }
        for (int m = 30; m < 60; m++) { // killed and restarted: 120 MB lower, the same trend
            samples.add(new SoakSample(m * MINUTE, "edge-1", 2, "rss_mb", 80 + 3.0 * m / 60));
        }
        assertThat(SoakSample.slopePerHour(samples)).isCloseTo(3.0, within(1e-9));
        assertThat(SoakSample.slopePerHour(
                        List.of(new SoakSample(0, "e", 1, "rss_mb", 1), new SoakSample(MINUTE, "e", 2, "rss_mb", 9))))
                .as("no life with two samples")
                .isNaN();
    }

    @Test
    void eachLifeWarmsUpAgainAndOnlyWhatFollowsItsWarmUpIsJudged() {
        List<SoakSample> samples = new ArrayList<>();
        for (int m = 0; m < 30; m++) { // a first life, flat once warm
            samples.add(new SoakSample(m * MINUTE, "central-1", 1, "rss_mb", m < 10 ? 100 + 5 * m : 150));
        }
        for (int m = 30; m < 60; m++) { // killed: the next life rises 50 MB in its own first ten minutes, then is flat
            samples.add(new SoakSample(m * MINUTE, "central-1", 2, "rss_mb", m < 40 ? 100 + 5 * (m - 30) : 150));
        }
        ScenarioResult fault = new ScenarioResult("kill-central", true, 10, 10, 0, 0, 0, 1, 1, 0, List.of());
        SoakReport report = new SoakReport(
                options(), "t", samples, Set.of("central-1"), List.of(fault), List.of(), List.of(), 0, 60 * MINUTE);
        assertThat(report.figures()).singleElement().satisfies(f -> {
            assertThat(f.slopePerHour()).isCloseTo(0, within(1e-9));
            assertThat(f.minutesJudged()).isEqualTo(38);
            assertThat(f.verdict()).isEqualTo("yes");
        });

        List<SoakSample> shortLives = samples.stream()
                .filter(s -> s.atMs() < 22 * MINUTE || s.atMs() >= 30 * MINUTE && s.atMs() < 42 * MINUTE)
                .toList();
        SoakReport brief = new SoakReport(
                options(), "t", shortLives, Set.of("central-1"), List.of(fault), List.of(), List.of(), 0, 60 * MINUTE);
        assertThat(brief.figures())
                .singleElement()
                .as("lives that leave 11 + 1 minutes after their warm-up: too short to judge a trend by")
                .extracting(SoakReport.Figure::verdict)
                .isEqualTo("-");
        assertThat(brief.markdown())
                .contains("Not judged, their lives too short after warm-up: central-1 rss_mb (12 min),"
                        + " central-1 threads (0 min), central-1 open_files (0 min).");
    }

    @Test
    void thePoolsWhoseThreadsMovedAreListedAndOnlyThose() {
        List<SoakSample> samples = new ArrayList<>();
        for (int m = 0; m < 40; m++) {
            samples.add(new SoakSample(m * MINUTE, "edge-1", 3, SoakSample.POOL + "io-executor-thr", 2 + m / 15));
            samples.add(new SoakSample(m * MINUTE, "edge-1", 3, SoakSample.POOL + "forwarder", 1));
            if (m >= 25) { // a pool that starts late: none before
                samples.add(new SoakSample(m * MINUTE, "edge-1", 3, SoakSample.POOL + "CircuitBreaker", 1));
            }
            samples.add(new SoakSample(m * MINUTE, "edge-1", 3, "threads", 3 + m / 15 + (m >= 25 ? 1 : 0)));
            samples.add(new SoakSample(m * MINUTE, "n1", 4, SoakSample.POOL + "nats", m));
        }
        SoakReport report = new SoakReport(
                options(), "t", samples, Set.of("edge-1"), List.of(), List.of(), List.of(), 0, 40 * MINUTE);
        assertThat(report.movedPools())
                .containsExactly(
                        "edge-1 (pid 3): CircuitBreaker 0 -> 1 (0-1)", "edge-1 (pid 3): io-executor-thr 2 -> 4 (2-4)");
        assertThat(report.figures())
                .as("pools are listed, not tabled")
                .extracting(SoakReport.Figure::figure)
                .containsExactly("threads");
        assertThat(report.markdown()).contains("- edge-1 (pid 3): io-executor-thr 2 -> 4 (2-4)");
    }

    @Test
    void aShortSoakIsReportedButNotJudged() {
        SoakOptions options = options("--duration", "5m");
        assertThat(options.warmup()).as("a third of a short soak").isEqualTo(Duration.ofSeconds(100));
        List<SoakSample> rising = new ArrayList<>();
        for (int m = 0; m < 5; m++) {
            rising.add(new SoakSample(m * MINUTE, "central-1", 7, "rss_mb", 100 + 60.0 * m));
        }
        ScenarioResult fault = new ScenarioResult("kill-edge", true, 10, 10, 0, 0, 0, 1, 1, 0, List.of());
        SoakReport report = new SoakReport(
                options, "t", rising, Set.of("central-1"), List.of(fault), List.of(), List.of(), 0, 5 * MINUTE);
        assertThat(report.judged()).isFalse();
        assertThat(report.figures())
                .singleElement()
                .extracting(SoakReport.Figure::verdict)
                .isEqualTo("-");
        assertThat(report.passed()).isTrue();
        assertThat(report.markdown()).contains("Exactly once: yes", "the goals are not judged");

        List<SoakSample> hourOfRise = List.of(
                new SoakSample(0, "central-1", 7, "rss_mb", 90),
                new SoakSample(20 * MINUTE, "central-1", 7, "rss_mb", 100),
                new SoakSample(60 * MINUTE, "central-1", 7, "rss_mb", 110));
        SoakReport hour = new SoakReport(
                options(), "t", hourOfRise, Set.of("central-1"), List.of(fault), List.of(), List.of(), 0, 60 * MINUTE);
        assertThat(hour.figures())
                .singleElement()
                .extracting(SoakReport.Figure::verdict)
                .isEqualTo("NO");
        assertThat(hour.passed()).as("RSS rose 15 MB per hour").isFalse();
        SoakReport notOurs = new SoakReport(
                options(),
                "t",
                hourOfRise,
                Set.of("edge-1"),
                List.of(fault),
                List.of(),
                List.of("replica on nats-2 still behind: node restarted"),
                0,
                60 * MINUTE);
        assertThat(notOurs.passed())
                .as("a process that is not one of the hubs is reported, not judged")
                .isTrue();
        assertThat(notOurs.markdown()).contains("- replica on nats-2 still behind: node restarted");
    }

    @Test
    void badFlagsSayWhatIsValid() {
        assertThat(refused("--duration", "1x")).contains("'--duration'", "'1x' is not a duration");
        assertThat(refused("--duration", "1m")).contains("at least 2m");
        assertThat(refused("--edges", "0")).contains("1 to 10 edges");
        assertThat(refused("--fault-every", "10s")).contains("at least 30s");
        assertThat(refused("--duration", "5m", "--fault-every", "6m")).contains("at most the duration (5m)");
        assertThat(refused("--warmup", "40m")).contains("at most half");
        assertThat(refused("--rate")).contains("Missing required parameter for option '--rate'");
        assertThat(refused("--bogus", "1")).contains("Unknown options: '--bogus', '1'", "valid: --duration");
        assertThat(options("--edges", "3").rate()).isEqualTo(3 * SoakOptions.DEFAULT_RATE_PER_EDGE);
        CliRun.assertStandardFlags(SoakMain::new, "--seed");
        CliRun.assertStandardFlags(SoakMain::new, "--warmup");
    }

    /** The options of a soak with these flags (parsed only: nothing runs). */
    private static SoakOptions options(String... args) {
        SoakMain soak = new SoakMain();
        new CommandLine(soak).parseArgs(args);
        return soak.options();
    }

    /** The one line by which {@code ./dualhub soak} refuses these flags, with exit status 2, before it runs. */
    private static String refused(String... args) {
        CliRun run = CliRun.of(new SoakMain(), args);
        assertThat(run.status()).as(run.err()).isEqualTo(Cli.USAGE);
        assertThat(run.err()).hasLineCount(1).startsWith("dualhub soak: ");
        return run.err();
    }

    @Test
    void theLeadBeforeAndAfterEachFaultFillsTheInterval() {
        assertThat(SoakMain.phases(Duration.ofMinutes(3)).lead()).isEqualTo(Duration.ofMinutes(1));
        assertThat(SoakMain.phases(Duration.ofSeconds(30)).lead()).isEqualTo(Phases.FULL.lead());
    }
}
