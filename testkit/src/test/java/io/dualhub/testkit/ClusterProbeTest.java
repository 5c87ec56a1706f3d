package io.dualhub.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.testkit.ClusterProbe.ReplicaState;
import java.util.LinkedHashMap;
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

    @Test
    void theReplicaTheOtherTwoDisagreeWithIsTheOddOneOut() {
        // as the 1-hour soak saw it: n3's replica of DUALHUB_METRICS_B held one message more than the other two
        assertThat(ClusterProbe.oddOneOut(states(4225, 4225, 4226))).contains("n3");
        assertThat(ClusterProbe.oddOneOut(states(4224, 4225, 4225))).contains("n1");
    }

    @Test
    void noReplicaIsRebuiltWithoutAMajorityToRebuildItFrom() {
        assertThat(ClusterProbe.oddOneOut(states(7, 7, 7))).as("all agree").isEmpty();
        assertThat(ClusterProbe.oddOneOut(states(5, 6, 7))).as("no two agree").isEmpty();
        assertThat(ClusterProbe.oddOneOut(
                        Map.of("n1", new ReplicaState("n1", 5, 1, 5), "n2", new ReplicaState("n2", 6, 1, 6))))
                .as("a node down: two views, no majority")
                .isEmpty();
    }

    private static Map<String, ReplicaState> states(long... lastSeqs) {
        Map<String, ReplicaState> states = new LinkedHashMap<>();
        for (int i = 0; i < lastSeqs.length; i++) {
            String node = "n" + (i + 1);
            states.put(node, new ReplicaState(node, lastSeqs[i], 1, lastSeqs[i]));
        }
        return states;
    }
}
