package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OldRelease;
import io.dualhub.testkit.SequencedWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A rolling upgrade and a rollback under load, with real processes of two builds: the fleet (two CentralHubs, two
 * edges) starts on the jars of {@link #OLD}, the last commit before the edge's buffer files, the store's schema and
 * the wire's format checks changed; points flow through both edges all along. Upgraded one process at a time (the
 * edges, then the standby hub, then the leader), then one edge and one hub rolled back, each stopped (SIGTERM) and
 * started again on its data by the other build. Afterwards both hubs hold every accepted point of both edges once;
 * then the rolled-back hub is upgraded again, and its rollups count what the older release stored meanwhile (that
 * release writes no rollups).
 */
class UpgradeDrillTest {
    /** The release the fleet starts on (see OldRelease); the README's upgrade section names it. */
    static final String OLD = "14c6e525eab6ae5de3c7df50f88e9a04dc1da83b";

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void aFleetUpgradedOneProcessAtATimeAndRolledBackUnderLoadHoldsEveryPointOnce() throws Exception {
        assumeTrue(
                OldRelease.inHistory(OLD),
                "commit " + OLD + " is not in this checkout's history (a shallow"
                        + " clone?): git fetch --unshallow, then run the drill again");
        Path old = OldRelease.of(OLD);
        Path now = HubProcess.home();
        HubProcess c1 = hubs.central("c1", "", hubs.dir().resolve("c1"), old);
        await("c1 leads")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> new CentralClient(c1.url()).isLeader());
        HubProcess c2 = hubs.central("c2", "", hubs.dir().resolve("c2"), old);
        Map<String, HubProcess> edges = new LinkedHashMap<>();
        for (String id : List.of("up-1", "up-2")) {
            edges.put(
                    id,
                    hubs.edge(
                            id,
                            "collect:\n  enabled: false\n",
                            NATS.urls(),
                            hubs.dir().resolve(id),
                            old));
        }
        try (SteadyLoad load = new SteadyLoad(edges)) {
            load.awaitAccepted(2);
            for (String id : edges.keySet()) {
                edges.put(id, step(load, "upgrade edge " + id, () -> hubs.replace(edges.get(id), now)));
            }
            HubProcess newC2 = step(load, "upgrade the standby c2", () -> hubs.replace(c2, now));
            HubProcess newC1 = step(load, "upgrade the leader c1", () -> hubs.replace(c1, now));
            edges.put("up-1", step(load, "roll edge up-1 back", () -> hubs.replace(edges.get("up-1"), old)));
            HubProcess oldC2 = step(load, "roll c2 back", () -> hubs.replace(newC2, old));
            load.close();
            for (HubProcess central : List.of(newC1, oldC2)) {
                awaitEveryPointOnce(central, load);
            }
            HubProcess againC2 = hubs.replace(oldC2, now);
            awaitEveryPointOnce(againC2, load);
            for (HubProcess central : List.of(newC1, againC2)) {
                for (Map.Entry<String, SequencedWriter> w : load.writers().entrySet()) {
                    assertThat(perMinute(central, w.getValue().metric(), w.getKey(), "&step=1m"))
                            .as(
                                    "%s's 1-minute rollups of %s (also of what the older release stored) against its raw"
                                            + " points",
                                    central.name(), w.getKey())
                            .isEqualTo(perMinute(central, w.getValue().metric(), w.getKey(), ""));
                }
            }
        }
    }

    private static void awaitEveryPointOnce(HubProcess central, SteadyLoad load) {
        CentralClient api = new CentralClient(central.url());
        for (Map.Entry<String, SequencedWriter> w : load.writers().entrySet()) {
            await(central.name() + " stores " + w.getKey())
                    .atMost(Duration.ofSeconds(90))
                    .ignoreExceptions()
                    .until(() -> holdsOnce(api.values(w.getValue().metric(), w.getKey()), w.getValue()));
        }
    }

    /**
     * The points' average per minute: from the 1-minute rollups ({@code &step=1m}), or worked out here from the raw
     * points ({@code ""}); rounded to a millionth, as the two sum in different orders.
     */
    private static Map<Long, Double> perMinute(HubProcess central, String metric, String edge, String step)
            throws Exception {
        JsonNode answer = new CentralClient(central.url())
                .get("/api/v1/query?metric=" + metric + "&edge=" + edge + "&from=0" + step);
        Map<Long, double[]> sums = new TreeMap<>();
        for (JsonNode p : answer.path("series").get(0).path("points")) {
            double[] s = sums.computeIfAbsent(p.get(0).asLong() / 60_000 * 60_000, m -> new double[2]);
            s[0] += p.get(1).asDouble();
            s[1]++;
        }
        Map<Long, Double> averages = new TreeMap<>();
        sums.forEach((minute, s) -> averages.put(minute, Math.round(s[0] / s[1] * 1e6) / 1e6));
        return averages;
    }

    /** One step of the rollout; then load must be accepted again by every edge before the next. */
    private static HubProcess step(SteadyLoad load, String what, Replacement replacement) {
        System.out.println("upgrade drill: " + what);
        HubProcess replaced = replacement.run();
        load.awaitAccepted(2);
        return replaced;
    }

    /** Every value the edge accepted is stored once; values of writes without an answer at most once. */
    private static boolean holdsOnce(List<Long> stored, SequencedWriter writer) {
        Set<Long> seen = new HashSet<>();
        for (long v : stored) {
            assertThat(seen.add(v))
                    .as("value %d of %s stored twice", v, writer.metric())
                    .isTrue();
        }
        for (long n = 0; n < writer.written(); n++) {
            if (!writer.isUncertain(n) && !seen.contains(n)) {
                return false;
            }
        }
        return true;
    }

    @FunctionalInterface
    private interface Replacement {
        HubProcess run();
    }

    /**
     * A writer thread per edge, a 200-point request every 50 ms; a write without an answer (its edge is being
     * replaced) leaves its values uncertain and is followed by a short pause. The edge's URL stays the same across
     * a replacement (same port).
     */
    private static final class SteadyLoad implements AutoCloseable {
        private final Map<String, SequencedWriter> writers = new LinkedHashMap<>();
        private final List<Thread> threads = new ArrayList<>();
        private volatile boolean running = true;

        SteadyLoad(Map<String, HubProcess> edges) {
            edges.forEach((id, edge) -> {
                SequencedWriter w = new SequencedWriter("upgrade_" + id.replace('-', '_'));
                writers.put(id, w);
                String url = edge.url();
                Thread t = new Thread(() -> drive(w, url), "load-" + id);
                t.setDaemon(true);
                threads.add(t);
            });
            threads.forEach(Thread::start);
        }

        private void drive(SequencedWriter w, String url) {
            while (running) {
                try {
                    w.write(url, 200);
                    LockSupport.parkNanos(Duration.ofMillis(50).toNanos()); // pacing the load
                } catch (IOException e) {
                    LockSupport.parkNanos(Duration.ofMillis(200).toNanos());
                } catch (InterruptedException e) {
                    return;
                }
            }
        }

        /** Waits until every edge accepted {@code requests} more requests from now on. */
        void awaitAccepted(int requests) {
            Map<String, Long> from = new LinkedHashMap<>();
            writers.forEach((id, w) -> from.put(id, w.accepted()));
            await("every edge accepts writes")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> writers.entrySet().stream()
                            .allMatch(e -> e.getValue().accepted() >= from.get(e.getKey()) + requests * 200L));
        }

        Map<String, SequencedWriter> writers() {
            return writers;
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            for (Thread t : threads) {
                t.join();
            }
        }
    }
}
