package io.dualhub.central.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.dualhub.common.cli.Cli;
import io.dualhub.common.wire.Batch;
import io.dualhub.common.wire.Point;
import io.dualhub.testkit.CliRun;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.duckdb.DuckDBConnection;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A backup taken while another thread commits is a consistent store: every edge's ledger counts exactly the points
 * the backup holds for it (a commit is in it whole or not at all). Restoring refuses what is not a backup and a
 * directory that holds a store; the restored store carries its restore point until it is applied.
 */
class StoreBackupTest {
    private static final RestorePoint POINT = new RestorePoint("c1", 1_000, Map.of("DUALHUB_METRICS", 42L));

    @TempDir
    Path dir;

    private static Batch batch(String edge, long seq) {
        List<Point> points = new ArrayList<>();
        long now = System.currentTimeMillis();
        for (int i = 0; i < 500; i++) {
            points.add(Point.of("m", Map.of("i", Integer.toString(i % 7)), now - seq * 1_000 - i, i));
        }
        return new Batch(edge, "", seq, 0, points);
    }

    @Test
    void aBackupTakenDuringCommitsHoldsEveryCommitWholeOrNotAtAll() throws Exception {
        try (MetricStore store = new MetricStore(dir.resolve("live"), Clock.systemUTC())) {
            store.commit(List.of(batch("e1", 1), batch("e2", 1)));
            AtomicBoolean committing = new AtomicBoolean(true);
            CompletableFuture<Long> commits = CompletableFuture.supplyAsync(() -> {
                long seq = 1;
                while (committing.get()) {
                    seq++;
                    store.commit(List.of(batch("e1", seq), batch("e2", seq)));
                }
                return seq;
            });
            List<Path> backups = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                Path file = dir.resolve("backup-" + i + ".duckdb");
                BackupContents contents = store.backup(file, POINT);
                assertThat(contents.restorePoint()).isEqualTo(POINT);
                backups.add(file);
            }
            committing.set(false);
            assertThat(commits.get()).as("commits went on during the backups").isGreaterThan(4);

            for (Path file : backups) {
                Path restored = dir.resolve("restored-" + file.getFileName());
                assertThat(restore(file, restored).status()).isZero();
                try (MetricStore copy = new MetricStore(restored, Clock.systemUTC())) {
                    for (String edge : List.of("e1", "e2")) {
                        EdgeStoreState state = copy.edges().get(edge);
                        assertThat(copy.count(new SeriesQuery("m", edge, Map.of(), 0, Long.MAX_VALUE, 0)))
                                .as("%s's points in %s", edge, file)
                                .isEqualTo(state.points())
                                .isEqualTo(state.batches() * 500);
                    }
                    assertThat(copy.restorePoint()).isEqualTo(POINT);
                }
            }
        }
    }

    /**
     * What is sent is the backup's file alone, so the file must hold everything when the backup returns. DuckDB 1.1
     * postpones a DETACH while any transaction of the instance is open, and the store's connection never checkpoints
     * by itself ({@code checkpoint_threshold}): before, the backup's data then sat in its WAL beside the file, and the
     * postponed close checkpointed it into the file while the hub was already sending it (a drill's backup came out
     * as 8,192 of the 12,288 bytes announced).
     */
    @Test
    void aBackupTakenWhileAnotherTransactionIsOpenIsWholeInItsOneFile() throws Exception {
        Path target = dir.resolve("backup.duckdb");
        Path sent = Files.createDirectories(dir.resolve("sent")).resolve("backup.duckdb");
        try (DuckDBConnection db = (DuckDBConnection) DriverManager.getConnection("jdbc:duckdb:" + dir.resolve("s"));
                Statement st = db.createStatement()) {
            st.execute("SET checkpoint_threshold = '1000GB'"); // as the store's connection
            st.execute("CREATE TABLE points AS SELECT range AS v FROM range(100000)");
            try (Connection open = db.duplicate();
                    Statement reading = open.createStatement();
                    Connection reader = db.duplicate()) {
                open.setAutoCommit(false);
                reading.executeQuery("SELECT count(*) FROM points").close(); // a transaction left open, as queries do
                StoreBackup.write(reader, target, POINT);
                Files.copy(target, sent);
            }
        }
        Properties readOnly = new Properties();
        readOnly.setProperty("duckdb.read_only", "true");
        try (Connection copy = DriverManager.getConnection("jdbc:duckdb:" + sent, readOnly);
                Statement st = copy.createStatement();
                ResultSet rs = st.executeQuery(
                        "SELECT (SELECT count(*) FROM points), (SELECT count(*) FROM " + StoreBackup.TABLE + ")")) {
            rs.next();
            assertThat(rs.getLong(1)).as("the points, in the file alone").isEqualTo(100_000);
            assertThat(rs.getLong(2)).as("the restore point's rows").isEqualTo(1);
        }
    }

    @Test
    void theRestorePointIsForgottenOnceApplied() throws Exception {
        Path file = dir.resolve("b.duckdb");
        try (MetricStore store = new MetricStore(dir.resolve("live"), Clock.systemUTC())) {
            store.commit(List.of(batch("e1", 1)));
            store.backup(file, POINT);
            assertThat(store.restorePoint()).as("the backed-up store has none").isNull();
        }
        assertThat(restore(file, dir.resolve("new")).status()).isZero();
        try (MetricStore store = new MetricStore(dir.resolve("new"), Clock.systemUTC())) {
            assertThat(store.restorePoint()).isEqualTo(POINT);
            store.restorePointApplied();
            assertThat(store.restorePoint()).isNull();
        }
        try (MetricStore store = new MetricStore(dir.resolve("new"), Clock.systemUTC())) {
            assertThat(store.restorePoint()).isNull();
            assertThat(store.stats().pointsStored()).isEqualTo(500);
        }
    }

    @Test
    void restoreRefusesWhatIsNotABackupAndNeverOverwritesAStore() throws Exception {
        Path garbage = Files.writeString(dir.resolve("garbage.duckdb"), "not a database");
        assertRefused(restore(garbage, dir.resolve("a")), Cli.REFUSED, "is not a readable DuckDB database");
        try (MetricStore store = new MetricStore(dir.resolve("plain"), Clock.systemUTC())) {
            store.commit(List.of(batch("e1", 1)));
        }
        Path plain = dir.resolve("plain").resolve("metrics.duckdb");
        assertRefused(restore(plain, dir.resolve("b")), Cli.REFUSED, "not a dualhub backup");
        assertRefused(restore(dir.resolve("absent"), dir.resolve("c")), Cli.REFUSED, "is not a file");

        Path file = dir.resolve("b.duckdb");
        try (MetricStore store = new MetricStore(dir.resolve("plain"), Clock.systemUTC())) {
            store.backup(file, POINT);
        }
        assertRefused(restore(file, dir.resolve("plain")), Cli.REFUSED, "holds a store already (metrics.duckdb)");
        assertRefused(restore(file, null), Cli.USAGE, "Missing required option: '--data=DIR'");
        assertThat(dir.resolve("a")).doesNotExist();
    }

    private static CliRun restore(Path file, Path data) {
        List<String> args =
                data == null ? List.of(file.toString()) : List.of(file.toString(), "--data", data.toString());
        return CliRun.of(
                new RestoreCommand(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8)),
                args.toArray(String[]::new));
    }

    private static void assertRefused(CliRun run, int status, String why) {
        assertThat(run.status()).as(run.err()).isEqualTo(status);
        assertThat(run.err()).hasLineCount(1).startsWith("dualhub restore: ").contains(why);
    }
}
