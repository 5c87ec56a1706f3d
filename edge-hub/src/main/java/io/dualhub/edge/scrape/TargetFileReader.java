package io.dualhub.edge.scrape;

import java.nio.file.Path;
import java.util.List;

/**
 * Reads the {@code content} of one file of scrape targets ({@code scrape.files}); a bad one throws, naming the file
 * and what is wrong.
 */
@FunctionalInterface
public interface TargetFileReader {
    List<ScrapeTarget> read(Path file, String content);
}
