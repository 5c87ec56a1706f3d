package io.dualhub.central.ingest;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

/** A fetch is cut into commits of bounded points, in order, nothing lost, an oversized message alone. */
class CommitGroupsTest {
    @Test
    void groupsStayWithinTheBoundInOrder() {
        List<Integer> sizes = List.of(40, 40, 40, 0, 150, 10, 90, 10);
        List<List<Integer>> groups = CommitGroups.split(sizes, Integer::intValue, 100);
        assertThat(groups).containsExactly(List.of(40, 40), List.of(40, 0), List.of(150), List.of(10, 90), List.of(10));
        assertThat(CommitGroups.split(List.<Integer>of(), Integer::intValue, 100))
                .isEmpty();
    }
}
