package io.dualhub.common;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The partition arithmetic; StreamSetupTest checks it against a real server's subject mapping. */
class PartitionTest {
    @Test
    void partitionIsFnv1aOfTheEdgeIdModuloTheCount() {
        // FNV-1a 32 reference values: "a" is 0xe40c292c, "foobar" 0xbf9cf968
        assertThat(Partition.of("a", 1000)).isEqualTo((int) (0xe40c292cL % 1000));
        assertThat(Partition.of("foobar", 7)).isEqualTo((int) (0xbf9cf968L % 7));
        assertThat(Partition.of("foobar", 1)).isZero();
    }

    @Test
    void oneGroupOwnsEveryEdgeOnTheEdgesOwnSubjects() {
        assertThat(Partition.WHOLE.owns("anything")).isTrue();
        assertThat(Partition.WHOLE.subjects(MetricsRoute.PRIMARY)).isEqualTo("dualhub.metrics.>");
        assertThat(Partition.WHOLE.subjects(MetricsRoute.SECONDARY)).isEqualTo("dualhub.metrics-b.>");
        assertThat(Partition.WHOLE.qualify("leader")).isEqualTo("leader");
    }

    @Test
    void aGroupOwnsItsShareOnTheMappedSubjects() {
        Partition p = new Partition(2, Partition.of("foobar", 2));
        assertThat(p.owns("foobar")).isTrue();
        assertThat(new Partition(2, 1 - p.index()).owns("foobar")).isFalse();
        assertThat(new Partition(2, 1).subjects(MetricsRoute.SECONDARY)).isEqualTo("dualhub.metrics-b.1.*");
        assertThat(new Partition(2, 1).qualify("leader")).isEqualTo("leader-p1");
    }

    @Test
    void anEdgeIsReadFromEitherSubjectForm() {
        assertThat(MetricsRoute.edgeOf("dualhub.metrics.edge-1")).isEqualTo("edge-1");
        assertThat(MetricsRoute.edgeOf("dualhub.metrics.1.edge-1")).isEqualTo("edge-1");
        assertThat(MetricsRoute.edgeOf("dualhub.metrics-b.0.42")).isEqualTo("42");
        assertThat(MetricsRoute.edgeOf("dualhub.metrics.42")).isEqualTo("42");
        assertThat(MetricsRoute.edgeOf("dualhub.metrics.x.edge-1")).isNull();
        assertThat(MetricsRoute.edgeOf("dualhub.metrics.1.a.b")).isNull();
        assertThat(MetricsRoute.edgeOf("dualhub.events.edge-1")).isNull();
    }

    @Test
    void countAndIndexAreBounded() {
        assertThatThrownBy(() -> new Partition(2, 2)).hasMessageContaining("partition 2 of 2");
        assertThatThrownBy(() -> new Partition(0, 0)).isInstanceOf(IllegalArgumentException.class);
    }
}
