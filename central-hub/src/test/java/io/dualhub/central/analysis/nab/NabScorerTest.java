package io.dualhub.central.analysis.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The scorer on a two-series corpus whose scores can be worked out by hand. */
class NabScorerTest {
    private static final int ROWS = 100; // probation: the first 15 rows

    @TempDir
    Path dir;

    private NabCorpus corpus;

    @BeforeEach
    void corpus() throws IOException {
        Files.createDirectories(dir.resolve("data/cat"));
        Files.createDirectories(dir.resolve("labels"));
        Files.createDirectories(dir.resolve("config"));
        Files.writeString(dir.resolve("data/cat/a.csv"), rows());
        Files.writeString(dir.resolve("data/cat/b.csv"), rows());
        // a: window rows 40..49; b: windows rows 20..29 and 70..79
        Files.writeString(dir.resolve("labels/combined_windows.json"), """
                {"cat/a.csv": [["2020-01-01 00:40:00.000000", "2020-01-01 00:49:00.000000"]],
                 "cat/b.csv": [["2020-01-01 00:20:00", "2020-01-01 00:29:00"], ["2020-01-01 00:70:00", "x"]]}
                """.replace("00:70:00", "01:10:00")
                .replace("\"x\"", "\"2020-01-01 01:19:00\""));
        Files.writeString(dir.resolve("config/profiles.json"), """
                {"standard": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 1.0, "fpWeight": 0.11, "tnWeight": 1.0}},
                 "reward_low_FN_rate": {"CostMatrix": {"tpWeight": 1.0, "fnWeight": 2.0, "fpWeight": 0.11}}}
                """);
        corpus = NabCorpus.load(dir);
    }

    @Test
    void windowsAreMappedToRows() {
        assertThat(corpus.windowCount()).isEqualTo(3);
        assertThat(corpus.series().get(1).windows())
                .containsExactly(new NabSeries.Window(20, 29), new NabSeries.Window(70, 79));
        assertThat(corpus.series().get(0).probationRows()).isEqualTo(15);
    }

    @Test
    void detectingEveryWindowAtItsFirstRowScores100AndNothingScores0() {
        double[] a = new double[ROWS];
        double[] b = new double[ROWS];
        a[40] = 1;
        b[20] = 1;
        b[70] = 1;
        assertThat(score(a, b, "standard").normalized()).isCloseTo(100, within(1e-9));
        assertThat(score(a, b, "reward_low_FN_rate").normalized()).isCloseTo(100, within(1e-9));
        NabScore none = score(new double[ROWS], new double[ROWS], "standard");
        assertThat(none.normalized()).isZero();
        assertThat(none.raw()).isEqualTo(-3.0);
    }

    @Test
    void onlyTheEarliestDetectionInAWindowCountsAndLateOnesEarnLess() {
        double[] a = new double[ROWS];
        a[45] = 1;
        a[46] = 1;
        // row 45 in window 40..49: position -(49 - 45 + 1)/10 = -0.5
        double expected = NabScorer.scaledSigmoid(-0.5) / NabScorer.scaledSigmoid(-1.0) - 2;
        NabScore s = score(a, new double[ROWS], "standard");
        assertThat(s.raw()).isCloseTo(expected, within(1e-9));
        assertThat(s.detections()).isEqualTo(2);
    }

    @Test
    void falsePositivesCostTheirWeightAndDetectionsInProbationAreIgnored() {
        double[] a = new double[ROWS];
        a[10] = 1; // probation: ignored
        a[30] = 1; // before any window: -0.11
        a[40] = 0.5; // window's first row, but below the best threshold once the FP is weighed
        NabScore s = score(a, new double[ROWS], "standard");
        assertThat(s.threshold()).isEqualTo(0.5);
        assertThat(s.raw()).isCloseTo(1 - 0.11 - 2, within(1e-9));
    }

    @Test
    void theThresholdExcludesScoresThatCostMoreThanTheyEarn() {
        double[] a = new double[ROWS];
        a[40] = 0.9;
        for (int i = 50; i < 90; i++) {
            a[i] = 0.5; // 40 false positives right after the window: far cheaper to leave out
        }
        NabScore s = score(a, new double[ROWS], "standard");
        assertThat(s.threshold()).isEqualTo(0.9);
        assertThat(s.raw()).isCloseTo(1 - 2, within(1e-9));
    }

    @Test
    void aScoreListOfTheWrongLengthIsNamed() {
        assertThatThrownBy(() ->
                        new NabScorer(corpus).score(Map.of("cat/a.csv", new double[3], "cat/b.csv", new double[ROWS])))
                .isInstanceOf(NabFormatException.class)
                .hasMessageContaining("cat/a.csv: expected 100");
    }

    @Test
    void aMalformedRowIsNamedWithItsLine() throws IOException {
        Files.writeString(dir.resolve("data/cat/a.csv"), "timestamp,value\n2020-01-01 00:00:00,x\n");
        assertThatThrownBy(() -> NabCorpus.load(dir))
                .isInstanceOf(NabFormatException.class)
                .hasMessageContaining("a.csv line 2: value 'x'");
    }

    private NabScore score(double[] a, double[] b, String profile) {
        NabProfile p = corpus.profiles().stream()
                .filter(x -> x.name().equals(profile))
                .findFirst()
                .orElseThrow();
        return new NabScorer(corpus).score(p, Map.of("cat/a.csv", a, "cat/b.csv", b));
    }

    private static String rows() {
        StringBuilder csv = new StringBuilder("timestamp,value\n");
        for (int i = 0; i < ROWS; i++) {
            csv.append(String.format("2020-01-01 %02d:%02d:00,%d%n", i / 60, i % 60, i));
        }
        return csv.toString();
    }
}
