package io.dualhub.edge.scrape;

import java.nio.file.Path;
import java.util.List;

/** Reads one file of scrape targets ({@code scrape.files}); a bad file throws, naming the file and what is wrong. */
@FunctionalInterface
public interface TargetFileReader {
    List<ScrapeTarget> read(Path file);
}
