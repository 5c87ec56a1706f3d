package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.nats.client.Connection;
import io.nats.client.JetStream;
import io.nats.client.JetStreamManagement;
import io.nats.client.Nats;
import io.nats.client.api.StorageType;
import io.nats.client.api.StreamConfiguration;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A node rebuilt from nothing rejoins its cluster and gets a whole replica of each stream back from its peers. */
class NatsNodeRebuildTest {
    private static final String STREAM = "REBUILD";
    private static final int MESSAGES = 200;

    @Test
    void aRebuiltFollowerHoldsTheStreamItsPeersHoldAndTakesNewWrites() throws Exception {
        NatsFixture nats = NatsFixture.cluster();
        try {
            nats.start();
            ClusterProbe probe = new ClusterProbe(nats);
            try (Connection c = Nats.connect(nats.urls())) {
                JetStreamManagement jsm = c.jetStreamManagement();
                jsm.addStream(StreamConfiguration.builder()
                        .name(STREAM)
                        .subjects("rebuild.>")
                        .storageType(StorageType.File)
                        .replicas(3)
                        .build());
                JetStream js = c.jetStream();
                for (int i = 0; i < MESSAGES; i++) {
                    js.publish("rebuild.m", ("m" + i).getBytes(StandardCharsets.UTF_8));
                }
                String leader = jsm.getStreamInfo(STREAM).getClusterInfo().getLeader();
                NatsServerNode follower = nats.nodes().stream()
                        .filter(n -> !n.name().equals(leader))
                        .findFirst()
                        .orElseThrow();
                Path before = Files.writeString(follower.storeDir().resolve("from-before"), "x");

                follower.rebuild();

                assertThat(before).as("the store was emptied").doesNotExist();
                awaitEveryReplicaHolding(probe, follower.name(), MESSAGES);
                js.publish("rebuild.m", "after".getBytes(StandardCharsets.UTF_8));
                awaitEveryReplicaHolding(probe, follower.name(), MESSAGES + 1);
            }
        } finally {
            nats.close();
        }
    }

    private static void awaitEveryReplicaHolding(ClusterProbe probe, String rebuilt, long messages) {
        await("every replica of " + STREAM + " holding " + messages + " messages, " + rebuilt + "'s too")
                .atMost(Duration.ofMinutes(1))
                .pollInterval(Duration.ofMillis(250))
                .until(() -> {
                    Map<String, ClusterProbe.ReplicaState> states = probe.replicaStates(STREAM);
                    return states.size() == 3
                            && ClusterProbe.agree(states)
                            && states.get(rebuilt).messages() == messages;
                });
    }
}
