package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.dualhub.chaos.harness.SmallDisk;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The store on a real, full disk (a small tmpfs; root only): commits fail while it is full, the same batches are
 * retried as redeliveries would be, and once space returns every point is stored exactly once.
 * (A COMMIT that failed used to leave DuckDB's driver without a transaction, so every later append committed on its
 * own: each retry stored its batches again and no commit ever succeeded.)
 */
class MetricStoreDiskFullTest {
    @TempDir
    Path dir;
    private boolean mounted;

    @AfterEach
    void unmount() {
        if (mounted) {
            SmallDisk.unmount(dir);
        }
    }

    private static List<Batch> batches(long fromSeq, int count) {
        List<Batch> out = new ArrayList<>();
        for (long seq = fromSeq; seq < fromSeq + count; seq++) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                points.add(Point.of("disk_fill", Map.of("i", Integer.toString(i % 7)), seq * 1000 + i, seq * 1000 + i));
            }
            out.add(new Batch("edge-f", "a1", seq, 0, points));
        }
        return out;
    }

    private static long stored(MetricStore store) {
        return store.query(new SeriesQuery("disk_fill", null, Map.of(), 0, Long.MAX_VALUE, 0)).stream()
                .mapToLong(s -> s.points().size()).sum();
    }

    @Test
    void failedCommitsOnAFullDiskStoreNothingTwice() throws Exception {
        mounted = SmallDisk.mount(dir, 32);
        Assumptions.assumeTrue(mounted, "skipped: mounting a tmpfs for the full-disk store test needs root");
        MetricStore store = new MetricStore(dir.resolve("store"), Clock.systemUTC());
        store.commit(batches(1, 20));
        long next = 21;
        Path filler = SmallDisk.fillLeaving(dir, 64 << 10);
        // as the Ingestor does: what failed is redelivered together with what arrived since
        List<Batch> pending = new ArrayList<>();
        int failures = 0;
        for (int attempt = 0; attempt < 10; attempt++) {
            pending.addAll(batches(next, 20));
            next += 20;
            if (catchThrowable(() -> store.commit(pending)) != null) {
                failures++;
            } else {
                pending.clear();
            }
        }
        assertThat(failures).as("commits failed while the disk was full").isPositive();
        Files.delete(filler);
        await("the store accepts commits again").atMost(Duration.ofSeconds(30)).ignoreExceptions()
                .until(() -> store.commit(pending) != null);
        assertThat(stored(store)).isEqualTo((next - 1) * 500);
        assertThat(store.edges().get("edge-f").contiguousSeq()).isEqualTo(next - 1);
        store.close();
    }
}
