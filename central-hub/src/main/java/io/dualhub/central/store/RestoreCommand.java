package io.dualhub.central.store;

import io.dualhub.common.WholeFile;
import io.dualhub.common.cli.UsageException;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * {@code ./dualhub restore FILE --data DIR}: prepares a CentralHub's data directory from a backup made by
 * {@code ./dualhub backup}. The file is checked first (a DuckDB database with a restore point, of a store schema this
 * hub reads); a directory that holds a store already is never overwritten. The copy lands under a temporary name
 * and is renamed into place, so DIR holds either no store or the whole backup. Exit status 1 when refused, 2 on bad
 * usage.
 */
public final class RestoreCommand {
    private final PrintStream out;

    RestoreCommand(PrintStream out) {
        this.out = out;
    }

    public static void main(String[] args) {
        try {
            new RestoreCommand(System.out).run(List.of(args));
        } catch (UsageException e) {
            System.err.println("dualhub restore: " + e.getMessage());
            System.exit(2);
        } catch (IllegalArgumentException | IOException e) {
            System.err.println("dualhub restore: " + e.getMessage());
            System.exit(1);
        }
    }

    void run(List<String> args) throws IOException {
        Path file = null;
        Path dir = null;
        for (int i = 0; i < args.size(); i++) {
            if (args.get(i).equals("--data") && i + 1 < args.size()) {
                dir = Path.of(args.get(++i));
            } else if (!args.get(i).startsWith("-") && file == null) {
                file = Path.of(args.get(i));
            } else {
                throw new UsageException(
                        "unknown or incomplete argument '" + args.get(i) + "' (usage: restore FILE" + " --data DIR)");
            }
        }
        if (file == null || dir == null) {
            throw new UsageException(
                    "usage: restore FILE --data DIR (FILE made by ./dualhub backup; DIR the new" + " hub's data.dir)");
        }
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
