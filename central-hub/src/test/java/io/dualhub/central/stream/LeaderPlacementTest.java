package io.dualhub.central.stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.central.config.CentralConfig;
import io.dualhub.common.MetricsRoute;
import io.dualhub.common.nats.NatsLink;
import io.dualhub.testkit.ClusterProbe;
import io.dualhub.testkit.NatsFixture;
import io.nats.client.Connection;
import io.nats.client.JetStreamManagement;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * LeaderPlacement on a real 3-node cluster with both metrics streams at three replicas, their Raft leaders first
 * brought onto one node: the placer moves the secondary's away, and only while it is the one to place.
 */
class LeaderPlacementTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.cluster();

    private final ClusterProbe probe = new ClusterProbe(NATS);
    private final AtomicBoolean places = new AtomicBoolean();
    private NatsLink link;
    private LeaderPlacement placement;

    @BeforeEach
    void streamsLedFromOneNode() throws Exception {
        NATS.deleteStreams();
        link = NatsLink.open(NATS.quickSettings(), "test-placement");
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        CentralConfig config = CentralConfig.load(null, Map.of("stream.replicas", "3"));
        new StreamSetup(config.stream(), config.ingest(), config.partition())
                .ensure(link.connection().jetStreamManagement(), "a");
        await("both streams led from one node")
                .atMost(Duration.ofSeconds(60))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> sameLeader() || stepDownSecondary());
        placement = new LeaderPlacement(link, places::get);
    }

    @AfterEach
    void close() {
        placement.close();
        link.close();
    }

    @Test
    void aPlacerThatIsNotTheOneToPlaceLeavesTheLeadersAlone() throws Exception {
        placement.check();
        assertThat(sameLeader()).isTrue();
    }

    @Test
    void thePlacerMovesTheSecondaryStreamsLeaderToAnotherNode() {
        places.set(true);
        await("the leaders on different nodes")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(500))
                .ignoreExceptions()
                .until(() -> {
                    placement.check();
                    return !sameLeader();
                });
    }

    private boolean sameLeader() throws Exception {
        String primary = probe.leaderOf(MetricsRoute.PRIMARY.stream());
        return primary != null && Objects.equals(primary, probe.leaderOf(MetricsRoute.SECONDARY.stream()));
    }

    /** Asks the secondary stream for a new leader, at random among its replicas; false, to be asked again. */
    private boolean stepDownSecondary() throws Exception {
        Connection c = link.connection();
        JetStreamManagement jsm = c.jetStreamManagement();
        jsm.getStreamInfo(MetricsRoute.SECONDARY.stream()); // the stream answers before it is asked to move
        c.request(
                "$JS.API.STREAM.LEADER.STEPDOWN." + MetricsRoute.SECONDARY.stream(),
                new byte[0],
                Duration.ofSeconds(2));
        return false;
    }
}
