package io.dualhub.central.analysis.nab;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The Numenta Anomaly Benchmark as read from a folder laid out like numenta/NAB: {@code data/<category>/<file>.csv},
 * {@code labels/combined_windows.json} and {@code config/profiles.json}. Every problem names the file and line.
 */
public final class NabCorpus {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss[.SSSSSS]");

    private final Path root;
    private final List<NabSeries> series;
    private final List<NabProfile> profiles;

    private NabCorpus(Path root, List<NabSeries> series, List<NabProfile> profiles) {
        this.root = root;
        this.series = List.copyOf(series);
        this.profiles = List.copyOf(profiles);
    }

    /** Reads the corpus under {@code root}; throws {@link NabFormatException} naming what is missing or malformed. */
    public static NabCorpus load(Path root) {
        Path windowsFile = root.resolve("labels/combined_windows.json");
        Path profilesFile = root.resolve("config/profiles.json");
        for (Path required : List.of(root.resolve("data"), windowsFile, profilesFile)) {
            if (!Files.exists(required)) {
                throw new NabFormatException(required + " does not exist; --nab must name a NAB folder with data/, "
                        + "labels/combined_windows.json and config/profiles.json");
            }
        }
        JsonNode windows = readJson(windowsFile);
        List<NabSeries> series = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = windows.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            series.add(readSeries(root.resolve("data").resolve(entry.getKey()), entry.getKey(), entry.getValue()));
        }
        return new NabCorpus(root, series, NabProfile.parse(readJson(profilesFile), profilesFile));
    }

    public Path root() {
        return root;
    }

    public List<NabSeries> series() {
        return series;
    }

    public List<NabProfile> profiles() {
        return profiles;
    }

    /** All labelled windows of the corpus: the perfect detector finds each at its first row. */
    public int windowCount() {
        return series.stream().mapToInt(s -> s.windows().size()).sum();
    }

    private static NabSeries readSeries(Path file, String name, JsonNode windowList) {
        List<String> lines = readLines(file);
        long[] seconds = new long[lines.size() - 1];
        double[] values = new double[lines.size() - 1];
        for (int i = 1; i < lines.size(); i++) {
            String[] cells = lines.get(i).split(",");
            if (cells.length < 2) {
                throw new NabFormatException(file + " line " + (i + 1) + ": expected 'timestamp,value'");
            }
            seconds[i - 1] = epochSeconds(cells[0], file, i + 1);
            values[i - 1] = number(cells[1], file, i + 1, "value");
        }
        List<NabSeries.Window> windows = new ArrayList<>();
        for (JsonNode window : windowList) {
            long start = epochSeconds(window.get(0).asText(), file, 0);
            long end = epochSeconds(window.get(1).asText(), file, 0);
            windows.add(new NabSeries.Window(firstAtOrAfter(seconds, start), lastAtOrBefore(seconds, end)));
        }
        return new NabSeries(name, seconds, values, windows);
    }

    /** The rows of a CSV file, header first; blank trailing lines dropped. */
    static List<String> readLines(Path file) {
        try (Stream<String> lines = Files.lines(file)) {
            List<String> rows = lines.filter(l -> !l.isBlank()).toList();
            if (rows.isEmpty()) {
                throw new NabFormatException(file + " is empty; expected a header line and rows");
            }
            return rows;
        } catch (IOException e) {
            throw new NabFormatException("cannot read " + file + ": " + e.getMessage());
        }
    }

    static double number(String cell, Path file, int line, String column) {
        try {
            return Double.parseDouble(cell.trim());
        } catch (NumberFormatException e) {
            throw new NabFormatException(file + " line " + line + ": " + column + " '" + cell + "' is not a number");
        }
    }

    private static long epochSeconds(String text, Path file, int line) {
        try {
            return LocalDateTime.parse(text.trim(), TIMESTAMP).toEpochSecond(ZoneOffset.UTC);
        } catch (RuntimeException e) {
            throw new NabFormatException(file + (line > 0 ? " line " + line : " (window)") + ": timestamp '" + text
                    + "' is not 'YYYY-MM-DD HH:MM:SS'");
        }
    }

    private static int firstAtOrAfter(long[] seconds, long t) {
        int i = 0;
        while (i < seconds.length - 1 && seconds[i] < t) {
            i++;
        }
        return i;
    }

    private static int lastAtOrBefore(long[] seconds, long t) {
        int i = seconds.length - 1;
        while (i > 0 && seconds[i] > t) {
            i--;
        }
        return i;
    }

    private static JsonNode readJson(Path file) {
        try {
            return JSON.readTree(file.toFile());
        } catch (IOException e) {
            throw new NabFormatException(file + " is not valid JSON: " + e.getMessage());
        } catch (UncheckedIOException e) {
            throw new NabFormatException("cannot read " + file + ": " + e.getMessage());
        }
    }
}
