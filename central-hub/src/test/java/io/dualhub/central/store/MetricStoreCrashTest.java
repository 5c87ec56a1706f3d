package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A hub killed (-9) twice: the first kill tears the WAL's last entry (a commit that never returned, so never
 * acknowledged), the second comes after the restarted hub committed more. The store's files as a kill leaves them are
 * copied from a store that is still open (its WAL is written and synced at every commit; the database file only
 * changes at a checkpoint).
 */
class MetricStoreCrashTest {
    @TempDir
    Path dir;

    private static Batch batch(long seq) {
        List<Point> points = new ArrayList<>();
        for (int i = 0; i < 200; i++) {
            points.add(Point.of("crash", Map.of("i", Integer.toString(i % 5)), seq * 1000 + i, i));
        }
        return new Batch("edge-k", "a1", seq, 0, points);
    }

    private static long stored(MetricStore store) {
        return store.query(new SeriesQuery("crash", null, Map.of(), 0, Long.MAX_VALUE, 0)).stream()
                .mapToLong(s -> s.points().size())
                .sum();
    }

    /**
     * DuckDB 1.1.3 replays a WAL up to a torn last entry and then appends after the torn bytes, so the next replay
     * met the torn entry in the middle of the WAL ("Corrupt WAL file: ... computed checksum does not match") and the
     * hub never started again: the chaos set's centrals-down did so after kill-export had killed the same hub.
     */
    @Test
    void aStoreKilledTwiceWithATornCommitBetweenOpensAndKeepsEveryCommittedPoint() throws Exception {
        Path first = dir.resolve("first");
        Path torn;
        try (MetricStore store = new MetricStore(first, Clock.systemUTC())) {
            store.commit(List.of(batch(1)));
            long committed = KilledStore.walBytes(first);
            store.commit(List.of(batch(2)));
            torn = KilledStore.copy(first, dir.resolve("torn"));
            long withSecond = KilledStore.walBytes(torn);
            KilledStore.truncateWal(torn, committed + (withSecond - committed) / 2); // batch 2's commit torn half way
        }

        Path second;
        try (MetricStore restarted = new MetricStore(torn, Clock.systemUTC())) {
            assertThat(stored(restarted)).isEqualTo(200);
            restarted.commit(List.of(batch(3)));
            second = KilledStore.copy(torn, dir.resolve("second"));
        }

        try (MetricStore again = new MetricStore(second, Clock.systemUTC())) {
            assertThat(stored(again)).isEqualTo(400); // batches 1 and 3; 2 was never committed
        }
    }

    /**
     * A WAL that cannot be replayed (an entry in its middle fails its checksum: written by a DuckDB before the fix
     * above, or damaged on disk) made DuckDB refuse to open the database, and the hub never started. The store opens
     * on its last checkpoint instead, keeps the WAL aside, and holds a restore point that makes the hub read the
     * metrics streams again from their start: what the WAL held comes back from the streams.
     */
    @Test
    void aStoreWhoseWalCannotBeReplayedOpensOnItsLastCheckpointAndReadsTheStreamsAgain() throws Exception {
        Path live = dir.resolve("live");
        try (MetricStore store = new MetricStore(live, Clock.systemUTC())) {
            store.commit(List.of(batch(1)));
        } // closed cleanly: batch 1 is checkpointed into the database file
        Path damaged;
        try (MetricStore store = new MetricStore(live, Clock.systemUTC())) {
            store.commit(List.of(batch(2)));
            store.commit(List.of(batch(3)));
            damaged = KilledStore.copy(live, dir.resolve("damaged"));
        }
        KilledStore.damageWalMiddle(damaged);

        try (MetricStore reopened = new MetricStore(damaged, Clock.systemUTC())) {
            assertThat(stored(reopened)).as("what the last checkpoint holds").isEqualTo(200);
            assertThat(KilledStore.walsSetAside(damaged)).hasSize(1);
            assertThat(reopened.restorePoint()).isNotNull();
            assertThat(reopened.restorePoint().fromBackup()).isFalse();
            assertThat(reopened.restorePoint().nextSeq())
                    .isNotEmpty()
                    .allSatisfy((stream, seq) -> assertThat(seq).isEqualTo(1));
            reopened.commit(List.of(batch(2), batch(3))); // as the streams bring them again
            assertThat(stored(reopened)).isEqualTo(600);
        }
        try (MetricStore again = new MetricStore(damaged, Clock.systemUTC())) {
            assertThat(stored(again)).isEqualTo(600);
            assertThat(again.restorePoint())
                    .as("kept until the consumers were moved")
                    .isNotNull();
        }
    }

    /** Killed after it set the WAL aside and before it recorded the restore point: the next open records it. */
    @Test
    void aWalSetAsideButNotYetActedOnGetsItsRestorePointAtTheNextOpen() throws Exception {
        Path live = dir.resolve("live");
        try (MetricStore store = new MetricStore(live, Clock.systemUTC())) {
            store.commit(List.of(batch(1)));
            Path killed = KilledStore.copy(live, dir.resolve("killed"));
            StoreFiles.in(killed).setAsideWal(1); // what open() does first, and then the kill
            try (MetricStore reopened = new MetricStore(killed, Clock.systemUTC())) {
                assertThat(reopened.restorePoint()).isNotNull();
                assertThat(reopened.restorePoint().fromBackup()).isFalse();
                assertThat(KilledStore.walsSetAside(killed))
                        .singleElement()
                        .asString()
                        .endsWith(".unreplayable-1");
            }
        }
    }
}
