package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.SmallDisk;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store on a real disk (a 256 MiB tmpfs; root only) filled ten times in a row, each time to where one kind of
 * write fails: with 256 KiB left the WAL write of a commit, with 18 MiB left what DuckDB's own checkpoint inside a
 * COMMIT needed once the WAL had grown. Batches are retried as the Ingestor's redeliveries would be; after each
 * round's space returns, ingest resumes by itself and every point is stored exactly once. Before the store took over
 * checkpointing, the 18 MiB case never committed again ("database has been invalidated because of a previous fatal
 * error"); reopening the database after it did commit again, but the second round's reopening had lost a third of
 * the committed points (1,620 of 4,860 batches left). The store now checkpoints only with room for it. (Earlier
 * still, a COMMIT that failed left DuckDB's driver without a transaction, so every later append committed on its
 * own and each retry stored its batches again: the WAL case.)
 */
class MetricStoreFatalErrorTest {
    private static final int POINTS = 500;
    private Path mount;

    @AfterEach
    void unmount() {
        if (mount != null) {
            SmallDisk.unmount(mount);
        }
    }

    private static List<Batch> batches(long fromSeq, int count) {
        List<Batch> out = new ArrayList<>();
        for (long seq = fromSeq; seq < fromSeq + count; seq++) {
            List<Point> points = new ArrayList<>();
            for (int i = 0; i < POINTS; i++) {
                points.add(Point.of("disk_fill", Map.of("i", Integer.toString(i % 7)), seq * 1000 + i, seq * 1000 + i));
            }
            out.add(new Batch("edge-f", "a1", seq, 0, points));
        }
        return out;
    }

    private static long stored(MetricStore store) {
        return store.query(new SeriesQuery("disk_fill", null, Map.of(), 0, Long.MAX_VALUE, 0)).stream()
                .mapToLong(s -> s.points().size())
                .sum();
    }

    @ParameterizedTest(name = "{0} bytes left")
    @ValueSource(longs = {256L << 10, 18L << 20})
    void aStoreFilledTenTimesResumesEachTimeAndStoresEveryPointOnce(long leftFree) throws Exception {
        Path dir = Files.createTempDirectory("dualhub-store-full-");
        Assumptions.assumeTrue(SmallDisk.mount(dir, 256), "skipped: mounting a tmpfs needs root");
        mount = dir;
        MetricStore store = new MetricStore(dir.resolve("store"), Clock.systemUTC());
        try {
            store.commit(batches(1, 20));
            long next = 21;
            for (int round = 0; round < 10; round++) {
                Path filler = SmallDisk.fillLeaving(dir, leftFree);
                List<Batch> pending = new ArrayList<>(); // what failed comes again with what arrived since
                int failures = 0;
                for (int attempt = 0; attempt < 400 && failures < 3; attempt++) {
                    pending.addAll(batches(next, 20));
                    next += 20;
                    if (catchThrowable(() -> store.commit(pending)) != null) {
                        failures++;
                    } else {
                        pending.clear();
                    }
                }
                assertThat(failures)
                        .as("round %d: commits failed while the disk was full", round)
                        .isPositive();
                Files.delete(filler);
                await("round " + round + ": commits succeed again")
                        .atMost(Duration.ofSeconds(30))
                        .ignoreExceptions()
                        .until(() -> store.commit(pending) != null);
                assertThat(store.edges().get("edge-f").contiguousSeq())
                        .as("round %d", round)
                        .isEqualTo(next - 1);
                assertThat(stored(store))
                        .as("round %d: every point once", round)
                        .isEqualTo((next - 1) * POINTS);
            }
        } finally {
            store.close();
        }
    }
}
