package io.dualhub.chaos.drills;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.dualhub.testkit.CentralClient;
import io.dualhub.testkit.HubProcess;
import io.dualhub.testkit.Hubs;
import io.dualhub.testkit.NatsFixture;
import io.dualhub.testkit.OsProcess;
import io.dualhub.testkit.SequencedWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A CentralHub pair under load: {@code ./dualhub backup} of c1 while points flow; c2 goes on storing past the backup,
 * is killed (kill -9) and more points flow; then the edge is stopped for good (its buffer cannot fill any gap), c2's
 * data directory is wiped and prepared from c1's backup with {@code ./dualhub restore}, and c2 started again. It must
 * hold every accepted point once, as c1 does: what the backup holds, and from the stream all that came after it, also
 * what c2 had stored and acknowledged before it lost its store (its consumer stood past the backup: the restored hub
 * has to read the streams again from the backup's restore point, since no edge is left to resend).
 */
class BackupRestoreDrillTest {
    @RegisterExtension
    static final NatsFixture NATS = NatsFixture.single();

    @RegisterExtension
    final Hubs hubs = Hubs.on(NATS);

    @Test
    void aWipedHubRestoredFromItsPeersBackupHoldsEveryPointOnce() throws Exception {
        List<HubProcess> pair = hubs.leaderAndStandby("");
        Path c2Data = hubs.dir().resolve("c2");
        HubProcess edge = hubs.edge("backup-edge", "collect:\n  enabled: false\n");
        SequencedWriter writer = new SequencedWriter("backup");
        write(writer, edge, 20);

        Path backup = hubs.dir().resolve("c1-backup.duckdb");
        OsProcess taking = dualhub("backup", "backup", "--central", pair.get(0).url(), "--out", backup.toString());
        int duringBackup = 0;
        while (taking.isAlive()) {
            write(writer, edge, 1);
            duringBackup++;
        }
        assertThat(taking.exitValue()).as(taking.logTail(20)).isZero();
        assertThat(taking.logTail(5)).contains("backup of CentralHub c1");
        System.out.printf("backup taken while %d requests of 500 points were accepted%n", duringBackup);

        write(writer, edge, 20);
        CentralClient c2 = new CentralClient(pair.get(1).url());
        long storedBeforeKill = writer.accepted();
        await("c2 stores past the backup")
                .atMost(Duration.ofSeconds(60))
                .ignoreExceptions()
                .until(() -> c2.values(writer.metric(), "backup-edge").size() >= storedBeforeKill);
        pair.get(1).kill9();
        write(writer, edge, 10);
        new CentralClient(pair.get(0).url()).awaitStored(writer, "backup-edge");
        edge.stop();
        wipe(c2Data);

        OsProcess restoring = dualhub("restore", "restore", backup.toString(), "--data", c2Data.toString());
        assertThat(restoring.awaitExit(Duration.ofSeconds(120))).isTrue();
        assertThat(restoring.exitValue()).as(restoring.logTail(20)).isZero();
        HubProcess restored = hubs.central("c2", "", c2Data);

        for (HubProcess central : List.of(pair.get(0), restored)) {
            List<Long> values = new CentralClient(central.url()).awaitStored(writer, "backup-edge");
            assertThat(values)
                    .as("%s holds every accepted point", central.name())
                    .hasSize((int) writer.accepted())
                    .doesNotHaveDuplicates();
        }
    }

    private static void write(SequencedWriter writer, HubProcess edge, int requests) throws Exception {
        for (int i = 0; i < requests; i++) {
            assertThat(writer.write(edge.url(), 500))
                    .as("edge accepts, status %d", writer.lastStatus())
                    .isTrue();
        }
    }

    private OsProcess dualhub(String name, String... args) {
        List<String> cmd =
                new ArrayList<>(List.of(HubProcess.home().resolve("dualhub").toString()));
        cmd.addAll(List.of(args));
        return OsProcess.start(name, cmd, hubs.dir().resolve(name + ".log"));
    }

    private static void wipe(Path dir) throws Exception {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
