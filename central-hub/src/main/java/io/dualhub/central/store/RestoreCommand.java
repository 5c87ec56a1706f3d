package io.dualhub.central.store;

import io.dualhub.common.WholeFile;
import io.dualhub.common.cli.Cli;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code ./dualhub restore FILE --data DIR}: prepares a CentralHub's data directory from a backup made by
 * {@code ./dualhub backup}. The file is checked first (a DuckDB database with a restore point, of a store schema this
 * hub reads); a directory that holds a store already is never overwritten. The copy lands under a temporary name
 * and is renamed into place, so DIR holds either no store or the whole backup. Exit status 1 when refused, 2 on bad
 * usage.
 */
@Command(
        name = "dualhub restore",
        description = "Prepare a CentralHub's data directory from a backup; the hub started on it reads the streams"
                + " again from where the backup ends.")
public final class RestoreCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "a backup made by ./dualhub backup")
    Path file;

    @Option(names = "--data", paramLabel = "DIR", required = true, description = "the new hub's data.dir")
    Path dir;

    private final PrintStream out;

    public RestoreCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        Cli.exit(new RestoreCommand(System.out), args);
    }

    @Override
    public Integer call() throws IOException {
        BackupContents contents = StoreBackup.inspect(file);
        restore(file, StoreFiles.in(dir));
        RestorePoint point = contents.restorePoint();
        out.printf(
                "restored the backup of CentralHub %s taken at %s (%,d points from %d edges) into %s%n",
                point.source(), Instant.ofEpochMilli(point.takenAtMs()), contents.points(), contents.edges(), dir);
        out.printf(
                "start a CentralHub with data.dir %s: it reads the metrics streams again from %s and stores what"
                        + " the backup lacks, each point once%n",
                dir, point.nextSeq());
        return 0;
    }

    private static void restore(Path file, StoreFiles target) throws IOException {
        for (Path existing : List.of(target.database(), target.wal())) {
            if (Files.exists(existing)) {
                throw new IllegalArgumentException(target.database().getParent() + " holds a store already ("
                        + existing.getFileName() + "): restore into a new or empty data directory, or move that"
                        + " store away first (with its hub stopped)");
            }
        }
        Files.createDirectories(target.database().getParent());
        Path partial = WholeFile.partial(target.database());
        try {
            Files.copy(file, partial);
            WholeFile.place(partial, target.database());
        } finally {
            Files.deleteIfExists(partial);
        }
    }
}
