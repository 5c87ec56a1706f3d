package io.dualhub.chaos.run;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.dualhub.common.cli.Cli;
import io.dualhub.testkit.CliRun;
import io.dualhub.testkit.SequencedWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * The count behind every scenario's verdict, against a stand-in edge over real HTTP that accepts (204), refuses
 * (503) or drops the connection without an answer, as the edge's write API can.
 */
class TallyTest {
    private HttpServer edge;
    private final AtomicInteger answer = new AtomicInteger(204);
    private SequencedWriter writer;

    @BeforeEach
    void start() throws IOException {
        edge = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        edge.createContext("/", exchange -> {
            exchange.getRequestBody().readAllBytes();
            if (answer.get() == 0) {
                exchange.close(); // no answer at all, as when the edge dies mid-request
                return;
            }
            exchange.sendResponseHeaders(answer.get(), -1);
            exchange.close();
        });
        edge.start();
        writer = new SequencedWriter("tally");
    }

    @AfterEach
    void stop() {
        edge.stop(0);
    }

    private void write(int status, int points) throws Exception {
        answer.set(status);
        try {
            writer.write("http://127.0.0.1:" + edge.getAddress().getPort(), points);
        } catch (IOException expectedWhenUnanswered) {
            assertThat(status).isZero();
        }
    }

    private Tally tally(List<Long> stored, long dropped) {
        return Tally.of("c", Map.of("e", stored), Map.of("e", writer), Map.of("e", dropped));
    }

    private static List<Long> range(long from, long to) {
        return new ArrayList<>(LongStream.range(from, to).boxed().toList());
    }

    /**
     * A receiver still catching up may already hold as many values as were accepted, counting those of an unanswered
     * write: it does not hold every accepted one yet (the clean-clone CI's kill-edge counted VictoriaMetrics that
     * early and found 50 points "lost" that were on their way).
     */
    @Test
    void aReceiverHoldingAsManyValuesButNotEveryAcceptedOneHasNotCaughtUp() throws Exception {
        write(204, 10);
        write(0, 5);
        write(204, 10);
        List<Long> early = range(0, 20); // 0-9 accepted, 10-14 unanswered, 15-19 of the last 10 accepted
        assertThat(early).hasSize((int) writer.accepted());
        assertThat(tally(early, 0).holdsEveryAccepted()).isFalse();
        List<Long> all = range(0, 25);
        assertThat(tally(all, 0).holdsEveryAccepted()).isTrue();
        assertThat(tally(all, 0).whole()).isTrue();
    }

    @Test
    void everyAcceptedPointStoredOnceIsWhole() throws Exception {
        write(204, 10);
        write(503, 10);
        write(204, 10);
        Tally t = tally(range(0, 20), 0);
        assertThat(t.accepted())
                .as("a refused write is retried with the same points")
                .isEqualTo(20);
        assertThat(t.stored()).isEqualTo(20);
        assertThat(t.whole()).isTrue();
    }

    @Test
    void aMissingPointIsLostAndATwiceStoredOneIsADuplicate() throws Exception {
        write(204, 10);
        List<Long> stored = range(0, 10);
        stored.remove(Long.valueOf(3));
        stored.add(7L);
        Tally t = tally(stored, 0);
        assertThat(t.lost()).isEqualTo(1);
        assertThat(t.duplicates()).isEqualTo(1);
        assertThat(t.whole()).isFalse();
    }

    @Test
    void declaredDroppedPointsAccountForTheMissingOnes() throws Exception {
        write(204, 10);
        Tally t = tally(range(4, 10), 4);
        assertThat(t.lost()).isZero();
        assertThat(t.whole()).isTrue();
    }

    @Test
    void pointsOfAnUnansweredWriteMayBeStoredOnceButNotTwice() throws Exception {
        write(204, 5);
        write(0, 5);
        write(204, 5);
        assertThat(writer.accepted()).isEqualTo(10);
        Tally stored = tally(range(0, 15), 0);
        assertThat(stored.whole()).isTrue();
        assertThat(stored.uncertainStored()).isEqualTo(5);
        assertThat(tally(concat(range(0, 5), range(10, 15)), 0).whole())
                .as("or not at all")
                .isTrue();
        List<Long> twice = range(0, 15);
        twice.add(6L);
        assertThat(tally(twice, 0).duplicates()).isEqualTo(1);
    }

    private static List<Long> concat(List<Long> a, List<Long> b) {
        List<Long> all = new ArrayList<>(a);
        all.addAll(b);
        return all;
    }

    @Test
    void optionsRejectWhatCannotRunAndNameTheFlag() {
        assertThat(chaos("run", "--edges", "11"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .hasLineCount(1)
                .contains("--edges 11", "1 to 10");
        assertThat(chaos("run", "--rate").err())
                .isEqualTo("dualhub chaos run: Missing required parameter for option '--rate' (POINTS_PER_S)\n");
        assertThat(chaos("run", "--loud").err()).hasLineCount(1).contains("Unknown option: '--loud'", "--quick");
        assertThat(chaos("run", "kill-nothing"))
                .satisfies(r -> assertThat(r.status()).isEqualTo(Cli.USAGE))
                .extracting(CliRun::err)
                .asString()
                .contains("unknown scenario 'kill-nothing'", "kill-edge");
        ChaosRun run = new ChaosRun(Map.of("kill-edge", Scenarios.all().get(0)));
        new CommandLine(run).parseArgs("kill-edge", "--quick", "--rate", "600", "--edges", "2");
        assertThat(run.options()).isEqualTo(new ChaosOptions(List.of("kill-edge"), true, null, 2, 600));
    }

    @Test
    void everyChaosCommandHasHelpAndRefusesUnknownFlagsAndMissingValues() {
        CliRun.assertStandardFlags(() -> ChaosMain.command(Map.of()), "--report", "run");
        CliRun.assertStandardFlags(() -> ChaosMain.command(Map.of()), "--edges", "run");
        CliRun list = CliRun.of(ChaosMain.command(Map.of()), "list", "--help");
        assertThat(list.status()).isZero();
        assertThat(list.out()).contains("Usage: dualhub chaos list");
        assertThat(CliRun.of(ChaosMain.command(Map.of())).out()).contains("Usage: dualhub chaos", "list", "run");
    }

    private static CliRun chaos(String... args) {
        Map<String, Scenario> catalogue = new LinkedHashMap<>();
        Scenarios.all().forEach(s -> catalogue.put(s.name(), s));
        return CliRun.of(ChaosMain.command(catalogue), args);
    }
}
