package io.dualhub.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.nats.client.Connection;
import io.nats.client.Nats;
import io.nats.client.Options;
import io.nats.client.api.ClusterInfo;
import io.nats.client.api.Replica;
import io.nats.client.api.StreamInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads a NATS cluster's JetStream state for drills: who leads a stream and the meta group, whether every replica
 * of the metrics streams is current, and each node's own view of each stream (from its monitor's {@code /jsz}).
 */
public final class ClusterProbe {
    /** The streams the data path writes to. */
    public static final List<String> METRICS_STREAMS = List.of("DUALHUB_METRICS", "DUALHUB_METRICS_B");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    private final NatsFixture nats;

    public ClusterProbe(NatsFixture nats) {
        this.nats = nats;
    }

    /** One node's replica of a stream as that node reports it. */
    public record ReplicaState(String node, long messages, long firstSeq, long lastSeq) {
        /** Same content; an empty replica's first sequence means nothing (nodes report 0 or last + 1). */
        boolean sameAs(ReplicaState o) {
            return messages == o.messages && lastSeq == o.lastSeq && (messages == 0 || firstSeq == o.firstSeq);
        }
    }

    public StreamInfo streamInfo(String stream) throws Exception {
        try (Connection c = connect()) {
            return c.jetStreamManagement().getStreamInfo(stream);
        }
    }

    private Connection connect() throws Exception {
        return Nats.connect(Options.builder()
                .servers(nats.urls().split(","))
                .connectionTimeout(Duration.ofSeconds(2))
                .build());
    }

    /** The node leading the stream, or null while it has none. */
    public String leaderOf(String stream) throws Exception {
        return streamInfo(stream).getClusterInfo().getLeader();
    }

    /**
     * The steady state a CentralHub keeps: every replica of both metrics streams current, and the two streams led
     * from different nodes (its leader placement moves them apart after a failure). One connection per check.
     */
    public boolean replicasCurrent() throws Exception {
        List<ClusterInfo> infos = metricsClusters();
        if (Objects.equals(infos.get(0).getLeader(), infos.get(1).getLeader())) {
            return false;
        }
        for (ClusterInfo info : infos) {
            List<Replica> replicas = info.getReplicas();
            if (info.getLeader() == null
                    || replicas == null
                    || replicas.size() != 2
                    || !replicas.stream().allMatch(r -> r.isCurrent() && !r.isOffline())) {
                return false;
            }
        }
        return true;
    }

    /**
     * The nodes whose replica of a metrics stream its leader reports as not current (or offline), in node order; empty
     * while a stream has no leader, since then no replica's state means anything yet.
     */
    public List<String> laggingReplicas() throws Exception {
        Set<String> lagging = new TreeSet<>();
        for (ClusterInfo cluster : metricsClusters()) {
            if (cluster.getLeader() == null || cluster.getReplicas() == null) {
                return List.of();
            }
            cluster.getReplicas().stream()
                    .filter(r -> !r.isCurrent() || r.isOffline())
                    .forEach(r -> lagging.add(r.getName()));
        }
        return List.copyOf(lagging);
    }

    /** Both metrics streams' cluster state as their leaders report it, over one connection. */
    private List<ClusterInfo> metricsClusters() throws Exception {
        List<ClusterInfo> clusters = new ArrayList<>();
        try (Connection c = connect()) {
            for (String stream : METRICS_STREAMS) {
                clusters.add(c.jetStreamManagement().getStreamInfo(stream).getClusterInfo());
            }
        }
        return clusters;
    }

    public String metaLeader() throws Exception {
        for (NatsServerNode n : nats.nodes()) {
            String leader = jsz(n, "").path("meta_cluster").path("leader").asText("");
            if (!leader.isEmpty()) {
                return leader;
            }
        }
        throw new IllegalStateException("no meta leader");
    }

    /** Each node's own state of the stream, by node name; a node that does not answer is left out. */
    public Map<String, ReplicaState> replicaStates(String stream) {
        Map<String, ReplicaState> states = new LinkedHashMap<>();
        for (NatsServerNode n : nats.nodes()) {
            try {
                for (JsonNode account : jsz(n, "?streams=true").path("account_details")) {
                    for (JsonNode s : account.path("stream_detail")) {
                        if (s.path("name").asText().equals(stream)) {
                            JsonNode st = s.path("state");
                            states.put(
                                    n.name(),
                                    new ReplicaState(
                                            n.name(),
                                            st.path("messages").asLong(),
                                            st.path("first_seq").asLong(),
                                            st.path("last_seq").asLong()));
                        }
                    }
                }
            } catch (IOException e) {
                // a node that is down has no view to compare
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        return states;
    }

    /** True when every node holding a replica of the stream reports the same first and last sequence and count. */
    public static boolean agree(Map<String, ReplicaState> states) {
        return states.values().stream()
                .allMatch(s -> s.sameAs(states.values().iterator().next()));
    }

    /**
     * The one node whose replica differs from every other node's while those all agree with each other: the replica
     * to rebuild from its peers. Empty when every replica agrees, when fewer than three nodes answered (no majority to
     * trust), or when the others disagree among themselves too.
     */
    public static Optional<String> oddOneOut(Map<String, ReplicaState> states) {
        if (states.size() < 3 || agree(states)) {
            return Optional.empty();
        }
        for (String node : states.keySet()) {
            Map<String, ReplicaState> others = new LinkedHashMap<>(states);
            ReplicaState odd = others.remove(node);
            if (agree(others) && !odd.sameAs(others.values().iterator().next())) {
                return Optional.of(node);
            }
        }
        return Optional.empty();
    }

    private static JsonNode jsz(NatsServerNode n, String query) throws IOException, InterruptedException {
        HttpRequest req = HttpRequest.newBuilder(
                        URI.create("http://" + n.host() + ":" + n.monitorPort() + "/jsz" + query))
                .timeout(Duration.ofSeconds(2))
                .build();
        return JSON.readTree(
                HTTP.send(req, HttpResponse.BodyHandlers.ofString()).body());
    }
}
