package io.dualhub.central.stream;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.Partition;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.Nats;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A partitioned hub on servers without the subject mapping would read nothing and say nothing: it names the edges
 * whose batches no mapping placed (and warns at every setup), while a hub without partitions sees nothing amiss.
 */
class UnmappedPartitionTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @Test
    void batchesNoMappingPlacedAreNamedByTheirEdges() throws Exception {
        NATS.deleteStreams();
        CentralConfig config = CentralConfig.load(null, Map.of());
        StreamSetup grouped = new StreamSetup(config.stream(), config.ingest(), new Partition(2, 1));
        try (Connection c = Nats.connect(NATS.urls())) {
            grouped.ensure(c.jetStreamManagement(), "g1");
            assertThat(grouped.unmappedEdges(c.jetStreamManagement())).isEmpty();
            c.jetStream().publish(MetricsRoute.PRIMARY.subject("web-1"), new byte[] {1});
            c.jetStream().publish(MetricsRoute.SECONDARY.subject("web-2"), new byte[] {1});

            assertThat(grouped.unmappedEdges(c.jetStreamManagement())).containsExactly("web-1", "web-2");
            assertThat(new StreamSetup(config.stream(), config.ingest(), Partition.WHOLE)
                            .unmappedEdges(c.jetStreamManagement()))
                    .as("without partitions every edge's own subject is read")
                    .isEmpty();
        }
    }
}
