package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.HeadlessChromium;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OsProcess;
import io.dualhub.testkit.SequencedWriter;
import io.dualhub.testkit.SubjectMapping;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Ingest past one hub: a 3-node cluster whose servers map the edges' subjects to 2 partitions, 2 CentralHub groups
 * of 2 hubs, 6 edges under load, and the leader of each group killed (kill -9) mid-load and started again. Then
 * each edge's points are stored exactly once at both hubs of the group {@link Partition#of} gives it, and nowhere in
 * the other group, whose hubs do not even list the edge; each group has its own leader. With one group stopped, the
 * other keeps the metrics streams' leaders on different nodes.
 */
class PartitionsDrillTest {
    private static final int GROUPS = 2;
    private static final int ROUNDS = 40;
    private static final int PER_REQUEST = 250;
    /** Ids that fall 3 and 3 into the two partitions (checked below). */
    private static final List<String> EDGES = List.of("edge-1", "edge-2", "edge-3", "edge-4", "edge-5", "edge-6");

    @RegisterExtension
    static final NatsFixture NATS =
            NatsFixture.cluster("-c", SubjectMapping.partitions(GROUPS).toString());

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void everyEdgesPointsAreStoredExactlyOnceInExactlyOneGroupThroughAHubOfEachGroupKilled() throws Exception {
        List<List<HubProcess>> groups = new ArrayList<>();
        for (int k = 0; k < GROUPS; k++) {
            String yaml = "stream:\n  replicas: 3\ncentral:\n  partitions: " + GROUPS + "\n  partition: " + k + "\n";
            HubProcess first = hubs.central("g" + k + "a", yaml);
            await("group " + k + " has a leader")
                    .atMost(Duration.ofSeconds(30))
                    .ignoreExceptions()
                    .until(() -> new CentralClient(first.url()).isLeader());
            groups.add(List.of(first, hubs.central("g" + k + "b", yaml)));
        }
        Map<String, HubProcess> edges = new TreeMap<>();
        Map<String, SequencedWriter> writers = new TreeMap<>();
        for (String id : EDGES) {
            edges.put(id, hubs.edge(id, "collect:\n  enabled: false\nheartbeat:\n  interval: 1s\n"));
            writers.put(id, new SequencedWriter("part"));
        }
        assertThat(EDGES.stream().map(e -> Partition.of(e, GROUPS)).distinct())
                .as("both partitions get edges")
                .hasSize(GROUPS);

        for (int round = 1; round <= ROUNDS; round++) {
            for (String id : EDGES) {
                assertThat(writers.get(id).write(edges.get(id).url(), PER_REQUEST))
                        .as("%s round %d accepted", id, round)
                        .isTrue();
            }
            switch (round) {
                case 10 -> groups.get(0).get(0).kill9();
                case 15 -> groups.get(1).get(0).kill9();
                case 25 -> groups.forEach(g -> g.get(0).start());
                default -> {}
            }
        }

        for (String id : EDGES) {
            SequencedWriter writer = writers.get(id);
            int owner = Partition.of(id, GROUPS);
            for (int k = 0; k < GROUPS; k++) {
                for (HubProcess hub : groups.get(k)) {
                    CentralClient api = new CentralClient(hub.url());
                    if (k == owner) {
                        assertThat(api.awaitStored(writer, id))
                                .as("%s at %s, its group's hub", id, hub.name())
                                .hasSize((int) writer.accepted())
                                .doesNotHaveDuplicates()
                                .allMatch(v -> v >= 0 && v < writer.accepted());
                    } else {
                        assertThat(api.values(writer.metric(), id))
                                .as("%s at %s, another group's hub", id, hub.name())
                                .isEmpty();
                        assertThat(api.edge(id).isMissingNode())
                                .as("%s not in the fleet of %s", id, hub.name())
                                .isTrue();
                    }
                }
            }
        }
        for (int k = 0; k < GROUPS; k++) {
            List<Boolean> leads = new ArrayList<>();
            for (HubProcess hub : groups.get(k)) {
                leads.add(new CentralClient(hub.url()).isLeader());
            }
            assertThat(leads).as("group %d: one leader", k).containsOnlyOnce(true);
        }
        String status =
                status(groups.get(0).get(1).url() + "," + groups.get(1).get(1).url());
        assertThat(status).contains("of group 0 of 2", "of group 1 of 2");
        for (String edge : edges.keySet()) {
            assertThat(status.split("\\b" + edge + "\\b", -1))
                    .as("%s listed once, in its group's table", edge)
                    .hasSize(2);
        }

        siteListsEveryGroupFromAnyHub(groups);

        Map<HubProcess, Integer> logged = new HashMap<>();
        for (HubProcess hub : groups.get(1)) {
            logged.put(hub, log(hub).length());
        }
        groups.get(0).forEach(HubProcess::stop);
        streamLeadersSpreadBy(logged);
        dashboardListsEveryGroup(groups.get(1).get(1));
    }

    /**
     * A hub of one group answers for the whole site: {@code /api/v1/site} lists each group with its leader, its two
     * hubs and its edges, each edge once and under the group the servers map it to.
     */
    private void siteListsEveryGroupFromAnyHub(List<List<HubProcess>> groups) throws Exception {
        HubProcess asked = groups.get(1).get(1);
        CentralClient api = new CentralClient(asked.url());
        JsonNode site = await("every edge in the site's answer")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> api.get("/api/v1/site"),
                        s -> s.findValues("edgeId").size() == EDGES.size());
        assertThat(site.path("partitions").asInt()).isEqualTo(GROUPS);
        assertThat(site.path("partition").asInt()).isEqualTo(1);
        assertThat(site.path("loaded").asBoolean()).isTrue();
        assertThat(site.has("unassigned"))
                .as("hubs in no group (absent when none): %s", site)
                .isFalse();
        List<String> ownHubs = new ArrayList<>();
        api.get("/api/v1/hubs").forEach(h -> ownHubs.add(h.path("instance").asText()));
        assertThat(ownHubs)
                .as("/api/v1/hubs of a hub of group 1: its group's hubs only")
                .containsExactlyInAnyOrderElementsOf(
                        groups.get(1).stream().map(HubProcess::name).toList());
        for (int k = 0; k < GROUPS; k++) {
            JsonNode group = site.path("groups").path(k);
            int partition = k;
            assertThat(group.findValuesAsText("edgeId"))
                    .as("group %d's edges", k)
                    .containsExactlyInAnyOrderElementsOf(EDGES.stream()
                            .filter(e -> Partition.of(e, GROUPS) == partition)
                            .toList());
            List<String> hubNames = groups.get(k).stream().map(HubProcess::name).toList();
            List<String> listed = new ArrayList<>();
            group.path("hubs").forEach(h -> listed.add(h.asText()));
            assertThat(listed).as("group %d's hubs", k).containsExactlyInAnyOrderElementsOf(hubNames);
            String leader = null;
            for (HubProcess hub : groups.get(k)) {
                if (new CentralClient(hub.url()).isLeader()) {
                    leader = hub.name();
                }
            }
            assertThat(group.path("leader").asText()).as("group %d's leader", k).isEqualTo(leader);
        }
    }

    /**
     * The fleet page of a hub of one group lists every edge of the site under its group, and each group (the other
     * group stopped by now: the registry still holds its edges).
     */
    private void dashboardListsEveryGroup(HubProcess asked) throws Exception {
        Assumptions.assumeTrue(
                HeadlessChromium.missing().isEmpty(), HeadlessChromium.missing().orElse(""));
        CentralClient api = new CentralClient(asked.url());
        await("the site's answer with the other group stopped")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(
                        () -> api.get("/api/v1/site"),
                        s -> s.findValues("edgeId").size() == EDGES.size());
        try (HeadlessChromium browser = HeadlessChromium.start(hubs.dir().resolve("chromium"))) {
            browser.open(asked.url() + "/#/fleet");
            browser.awaitOne("#fleet-site:not([hidden]) tr[data-site-edge]");
            await("the fleet page lists every edge of the site")
                    .atMost(HeadlessChromium.PATIENCE)
                    .until(() -> browser.all("tr[data-site-edge]").size() == EDGES.size());
            for (String edge : EDGES) {
                assertThat(browser.all(
                                "tr[data-site-edge='" + edge + "'][data-group='" + Partition.of(edge, GROUPS) + "']"))
                        .as("%s listed once, under its group", edge)
                        .hasSize(1);
            }
            assertThat(browser.all("#site-groups tr[data-group]")).hasSize(GROUPS);
            browser.screenshot("partitioned-site");
        }
    }

    /**
     * With the other group down, a hub of {@code group} (each with its log's length before) keeps the metrics
     * streams' leaders apart: the secondary stream's leader is moved (at random) until it lands on the primary's node
     * and one of the group's hubs moves it away again.
     */
    private void streamLeadersSpreadBy(Map<HubProcess, Integer> group) throws Exception {
        ClusterProbe probe = new ClusterProbe(NATS);
        try (Connection c = Nats.connect(NATS.urls())) {
            await("a hub of the group that is up moves a stream leader")
                    .atMost(Duration.ofSeconds(90))
                    .pollInterval(Duration.ofSeconds(3))
                    .ignoreExceptions()
                    .until(() -> {
                        if (placed(group)) {
                            return true;
                        }
                        c.request(
                                "$JS.API.STREAM.LEADER.STEPDOWN." + MetricsRoute.SECONDARY.stream(),
                                new byte[0],
                                Duration.ofSeconds(2));
                        return false;
                    });
        }
        await("the leaders on different nodes")
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> !Objects.equals(
                        probe.leaderOf(MetricsRoute.PRIMARY.stream()),
                        probe.leaderOf(MetricsRoute.SECONDARY.stream())));
    }

    /** Whether a hub of the group logged a leader move since the length of its log the map gives. */
    private boolean placed(Map<HubProcess, Integer> group) throws Exception {
        for (Map.Entry<HubProcess, Integer> hub : group.entrySet()) {
            if (log(hub.getKey())
                    .substring(hub.getValue())
                    .contains("asking " + MetricsRoute.SECONDARY.stream() + " to move its leader")) {
                return true;
            }
        }
        return false;
    }

    private String log(HubProcess hub) throws Exception {
        // a line cut by a kill -9 may not be UTF-8
        return Files.readString(hubs.dir().resolve(hub.name() + ".log"), StandardCharsets.ISO_8859_1);
    }

    /** What {@code ./dualhub status} prints for the CentralHubs at {@code urls}, comma-separated. */
    private String status(String urls) throws Exception {
        OsProcess p = OsProcess.start(
                "status",
                List.of(HubProcess.home().resolve("dualhub").toString(), "status", "--central", urls),
                hubs.dir().resolve("status.log"));
        assertThat(p.awaitExit(Duration.ofSeconds(60))).isTrue();
        assertThat(p.exitValue()).as(p.logTail(40)).isZero();
        return Files.readString(p.log());
    }
}
