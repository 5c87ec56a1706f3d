package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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

    /** The store's files as they are now, in {@code to}, as a kill -9 of its process would leave them. */
    private static Path killed(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        try (var files = Files.list(from)) {
            for (Path f : files.toList()) {
                Files.copy(f, to.resolve(f.getFileName()));
            }
        }
        return to;
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
            long committed = Files.size(StoreFiles.in(first).wal());
            store.commit(List.of(batch(2)));
            torn = killed(first, dir.resolve("torn"));
            long withSecond = Files.size(StoreFiles.in(torn).wal());
            try (FileChannel wal = FileChannel.open(StoreFiles.in(torn).wal(), StandardOpenOption.WRITE)) {
                wal.truncate(committed + (withSecond - committed) / 2); // batch 2's commit torn half way
            }
        }

        Path second;
        try (MetricStore restarted = new MetricStore(torn, Clock.systemUTC())) {
            assertThat(stored(restarted)).isEqualTo(200);
            restarted.commit(List.of(batch(3)));
            second = killed(torn, dir.resolve("second"));
        }

        try (MetricStore again = new MetricStore(second, Clock.systemUTC())) {
            assertThat(stored(again)).isEqualTo(400); // batches 1 and 3; 2 was never committed
        }
    }
}
