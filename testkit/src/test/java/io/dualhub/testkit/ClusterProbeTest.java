package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.ClusterProbe.ReplicaState;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When the nodes' own views of a stream count as the same replica. */
class ClusterProbeTest {

    @Test
    void emptyReplicasAgreeWhateverFirstSequenceTheyReport() {
        assertThat(ClusterProbe.agree(
                        Map.of("n1", new ReplicaState("n1", 0, 0, 0), "n2", new ReplicaState("n2", 0, 1, 0))))
                .isTrue();
    }

    @Test
    void aReplicaWithOneMessageMoreDiverges() {
        assertThat(ClusterProbe.agree(Map.of(
                        "n1", new ReplicaState("n1", 1206, 1, 1206), "n2", new ReplicaState("n2", 1205, 1, 1205))))
                .isFalse();
        assertThat(ClusterProbe.agree(
                        Map.of("n1", new ReplicaState("n1", 5, 2, 6), "n2", new ReplicaState("n2", 5, 1, 6))))
                .as("same count, different content")
                .isFalse();
    }
}
