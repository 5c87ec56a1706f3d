package io.dualhub.central.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.common.Subjects;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.SubjectMapping;
import io.nats.client.Connection;
import io.nats.client.JetStreamSubscription;
import io.nats.client.Message;
import io.nats.client.Nats;
import io.nats.client.PullSubscribeOptions;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A real nats-server with the shipped subject mapping for two partitions: each group's consumers get exactly the
 * edges {@link Partition#of} assigns to it, so the Java hash is the server's.
 */
class PartitionMappingTest {
    private static final int GROUPS = 2;

    @RegisterExtension
    static final NatsFixture NATS =
            NatsFixture.single("-c", SubjectMapping.partitions(GROUPS).toString());

    @Test
    void eachGroupsConsumersGetExactlyTheEdgesThePartitionFunctionGivesIt() throws Exception {
        CentralConfig config = CentralConfig.load(null, Map.of());
        Set<String> edges = IntStream.range(0, 40).mapToObj(i -> "edge-" + i).collect(Collectors.toSet());
        try (Connection c = Nats.connect(NATS.urls())) {
            for (int k = 0; k < GROUPS; k++) {
                new StreamSetup(config.stream(), config.ingest(), new Partition(GROUPS, k))
                        .ensure(c.jetStreamManagement(), "g" + k);
            }
            for (String edge : edges) {
                for (MetricsRoute route : MetricsRoute.values()) {
                    c.jetStream().publish(route.subject(edge), new byte[] {1});
                }
            }
            for (int k = 0; k < GROUPS; k++) {
                int group = k;
                Set<String> expected = edges.stream()
                        .filter(e -> Partition.of(e, GROUPS) == group)
                        .collect(Collectors.toCollection(TreeSet::new));
                assertThat(expected).as("both groups get edges").isNotEmpty().hasSizeLessThan(edges.size());
                for (MetricsRoute route : MetricsRoute.values()) {
                    JetStreamSubscription sub = c.jetStream()
                            .subscribe(
                                    new Partition(GROUPS, k).subjects(route),
                                    PullSubscribeOptions.bind(route.stream(), Subjects.centralConsumer("g" + k)));
                    Set<String> got = new TreeSet<>();
                    for (Message m : sub.fetch(edges.size(), Duration.ofSeconds(2))) {
                        assertThat(m.getSubject())
                                .startsWith(route.partitionWildcard(k).replace("*", ""));
                        got.add(MetricsRoute.edgeOf(m.getSubject()));
                        m.ack();
                    }
                    assertThat(got).as("group %d on %s", k, route).isEqualTo(expected);
                }
            }
            assertThat(new StreamSetup(config.stream(), config.ingest(), new Partition(GROUPS, 0))
                            .unmappedEdges(c.jetStreamManagement()))
                    .as("the mapping placed every batch")
                    .isEmpty();
        }
    }
}
