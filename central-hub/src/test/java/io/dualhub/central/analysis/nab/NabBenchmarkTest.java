package io.dualhub.central.analysis.nab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The real NAB corpus, when given ({@code NAB_DIR}, or {@code -Ddualhub.nab=DIR}; a checkout of numenta/NAB):
 * the scorer must reproduce the published standard scores of two detectors from their own outputs, and our model
 * must beat Numenta's HTM detector (standard 70.1). Skipped with a message when the corpus is absent.
 */
class NabBenchmarkTest {
    private static NabCorpus corpus;

    @BeforeAll
    static void corpus() {
        Path dir = locate();
        Assumptions.assumeTrue(
                dir != null,
                "NAB corpus not given (set NAB_DIR to a checkout of github.com/numenta/NAB): skipping the benchmark");
        corpus = NabCorpus.load(dir);
    }

    @Test
    void reproducesThePublishedWindowedGaussianScores() {
        assertPublished("windowedGaussian", 39.65, 20.87, 47.41);
    }

    @Test
    void reproducesThePublishedTwitterAdVecScores() {
        assertPublished("twitterADVec", 47.06, 33.61, 53.50);
    }

    @Test
    void ourModelBeatsNumentaHtmOnTheStandardProfile() {
        NabScore standard = new NabScorer(corpus)
                .score(NabRun.detect(corpus)).stream()
                        .filter(s -> s.profile().equals("standard"))
                        .findFirst()
                        .orElseThrow();
        assertThat(standard.normalized()).isGreaterThan(70.1);
    }

    private static void assertPublished(String detector, double standard, double lowFp, double lowFn) {
        List<NabScore> scores = new NabScorer(corpus)
                .score(PublishedResults.load(corpus.root().resolve("results").resolve(detector), corpus));
        assertThat(scores)
                .extracting(NabScore::profile)
                .containsExactly("standard", "reward_low_FP_rate", "reward_low_FN_rate");
        assertThat(scores.get(0).normalized()).isCloseTo(standard, within(0.5));
        assertThat(scores.get(1).normalized()).isCloseTo(lowFp, within(0.5));
        assertThat(scores.get(2).normalized()).isCloseTo(lowFn, within(0.5));
    }

    private static Path locate() {
        String configured = System.getProperty("dualhub.nab", System.getenv("NAB_DIR"));
        return configured == null || configured.isBlank() ? null : Path.of(configured);
    }
}
