package io.dualhub.central.leader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.nats.NatsLink;
import io.dualhub.common.nats.NatsSettings;
import io.dualhub.testkit.NatsFixture;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two instances against a real nats-server: exactly one leads; when the leader dies without releasing, the other
 * takes over after the TTL, and at no sampled instant do both believe they lead.
 */
class LeaderLeaseTest {
    private static final Duration TTL = Duration.ofSeconds(2);

    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    private static NatsLink link(String name) {
        NatsLink link = NatsLink.open(
                NatsSettings.custom(NATS.urls())
                        .connectTimeout(Duration.ofSeconds(1))
                        .pingInterval(Duration.ofSeconds(1))
                        .reconnectWait(Duration.ofMillis(100))
                        .build(),
                name);
        await().atMost(Duration.ofSeconds(10)).until(link::isConnected);
        return link;
    }

    /** Each test makes its own bucket: its TTL is what the test is about. */
    @BeforeEach
    void deleteBuckets() {
        NATS.deleteStreams();
    }

    @Test
    void oneLeadsAndTheOtherTakesOverAfterTheLeaderDiesNeverBothAtOnce() throws Exception {
        NatsLink linkA = link("a");
        NatsLink linkB = link("b");
        LeaderLease a = new LeaderLease(linkA, "a", LeaderLease.KEY, TTL, 1, Clock.systemUTC(), System::nanoTime);
        LeaderLease b = new LeaderLease(linkB, "b", LeaderLease.KEY, TTL, 1, Clock.systemUTC(), System::nanoTime);
        AtomicBoolean watching = new AtomicBoolean(true);
        AtomicInteger overlaps = new AtomicInteger();
        Thread watcher = new Thread(() -> {
            while (watching.get()) {
                if (a.holds() && b.holds()) {
                    overlaps.incrementAndGet();
                }
                Thread.onSpinWait();
            }
        });
        watcher.start();
        try {
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(a::holds);
            b.start();
            await().atMost(Duration.ofSeconds(10)).until(() -> b.leader() != null);
            assertThat(b.leader().instance()).isEqualTo("a");
            assertThat(b.holds()).isFalse();

            long killedAt = System.nanoTime();
            linkA.close();
            a.close();
            await().atMost(Duration.ofSeconds(15)).until(b::holds);
            System.out.printf(
                    "leader takeover after the leader died: %d ms (TTL %d ms)%n",
                    (System.nanoTime() - killedAt) / 1_000_000, TTL.toMillis());
            assertThat(a.holds()).isFalse();
            assertThat(b.leader().instance()).isEqualTo("b");
        } finally {
            watching.set(false);
            watcher.join();
            b.close();
            linkB.close();
        }
        assertThat(overlaps.get())
                .as("instants at which both believed they lead")
                .isZero();
    }

    @Test
    void aGracefulLeaderReleasesAtOnce() {
        NatsLink linkA = link("ga");
        NatsLink linkB = link("gb");
        LeaderLease a = new LeaderLease(
                linkA, "ga", LeaderLease.KEY, Duration.ofSeconds(30), 1, Clock.systemUTC(), System::nanoTime);
        LeaderLease b = new LeaderLease(
                linkB, "gb", LeaderLease.KEY, Duration.ofSeconds(30), 1, Clock.systemUTC(), System::nanoTime);
        try {
            a.start();
            await().atMost(Duration.ofSeconds(10)).until(a::holds);
            b.start();
            a.close();
            // with a 30 s TTL, only the release lets b lead within the renewal period
            await().atMost(Duration.ofSeconds(15)).until(b::holds);
        } finally {
            b.close();
            linkA.close();
            linkB.close();
        }
    }

    /**
     * Two instances with different leader.ttl: the one with 1 s made the bucket; the one with 6 s leads and then
     * pauses (its ticks driven by hand here) for longer than 1 s. Had the key lived for the bucket's 1 s, the other
     * would take it while the leader still counts 4.5 s of validity: two leaders. The bucket is raised to the longer
     * TTL instead, and an instance with the shorter one times its lease by the bucket's.
     */
    @Test
    void instancesWithDifferentTtlsNeverBothLead() {
        NatsLink linkShort = link("short");
        NatsLink linkLong = link("long");
        LeaderLease shortTtl = new LeaderLease(
                linkShort, "short", LeaderLease.KEY, Duration.ofSeconds(1), 1, Clock.systemUTC(), System::nanoTime);
        LeaderLease longTtl = new LeaderLease(
                linkLong, "long", LeaderLease.KEY, Duration.ofSeconds(6), 1, Clock.systemUTC(), System::nanoTime);
        try {
            shortTtl.tick();
            assertThat(shortTtl.holds())
                    .as("made the bucket with its 1 s TTL and leads")
                    .isTrue();
            shortTtl.close(); // released: the long one takes over
            longTtl.tick();
            assertThat(longTtl.holds()).isTrue();
            LeaderLease again = new LeaderLease(
                    linkShort,
                    "short-again",
                    LeaderLease.KEY,
                    Duration.ofSeconds(1),
                    1,
                    Clock.systemUTC(),
                    System::nanoTime);
            // the long one pauses: no renewal for 2.5 s, well past 1 s; the short one tries all the while
            await("never both")
                    .during(Duration.ofMillis(2500))
                    .atMost(Duration.ofSeconds(4))
                    .until(() -> {
                        again.tick();
                        return !(again.holds() && longTtl.holds());
                    });
            assertThat(again.effectiveTtl()).as("timed by the bucket's TTL").isEqualTo(Duration.ofSeconds(6));
            again.close();
        } finally {
            longTtl.close();
            linkShort.close();
            linkLong.close();
        }
    }
}
