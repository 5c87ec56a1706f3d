package io.dualhub.edge.scrape;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;

/**
 * One file of scrape targets and what was last read from it. Read again whenever its content changed; a file that
 * is not valid, cannot be read, or is empty (a writer that truncates and then writes is caught in between) keeps the
 * targets read from it before and says why; a file that is gone has none. Owned by the scrape scheduler thread;
 * {@link #status()} is replaced whole and read by anyone.
 */
final class TargetFile {
    private final Path path;
    private final TargetFileReader reader;
    private List<ScrapeTarget> targets = List.of();
    private String content;
    private volatile TargetFileStatus status;

    TargetFile(Path path, TargetFileReader reader) {
        this.path = path;
        this.reader = reader;
        this.status = new TargetFileStatus(path.toString(), 0, 0, null);
    }

    /** Reads the file when its content changed; true when its targets did. */
    boolean refresh(long nowMs) {
        String now;
        try {
            now = Files.readString(path);
        } catch (NoSuchFileException e) {
            boolean had = !targets.isEmpty();
            targets = List.of();
            content = null;
            status = new TargetFileStatus(path.toString(), 0, nowMs, "not there (yet): no targets from it");
            return had;
        } catch (IOException e) {
            status = new TargetFileStatus(path.toString(), targets.size(), status.readMs(), "cannot read it: " + e);
            return false;
        }
        if (now.equals(content)) {
            return false;
        }
        content = now;
        if (now.isBlank()) {
            // most likely caught between a writer's truncate and its write: an empty list says "no targets" as `[]`
            status = new TargetFileStatus(
                    path.toString(),
                    targets.size(),
                    nowMs,
                    "empty (being written?): its earlier targets are kept; write [] for no targets");
            return false;
        }
        try {
            List<ScrapeTarget> read = reader.read(path, now);
            boolean changed = !read.equals(targets);
            targets = read;
            status = new TargetFileStatus(path.toString(), targets.size(), nowMs, null);
            return changed;
        } catch (RuntimeException e) {
            status = new TargetFileStatus(
                    path.toString(), targets.size(), nowMs, e.getMessage() + "; its earlier targets are kept");
            return false;
        }
    }

    List<ScrapeTarget> targets() {
        return targets;
    }

    TargetFileStatus status() {
        return status;
    }
}
