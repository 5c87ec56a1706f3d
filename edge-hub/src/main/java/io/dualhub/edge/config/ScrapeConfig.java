package io.dualhub.edge.config;

import io.dualhub.common.config.ConfigKey;
import io.dualhub.common.config.Settings;
import io.dualhub.edge.scrape.ScrapeSettings;
import io.dualhub.edge.scrape.ScrapeTarget;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/** The {@code scrape.*} keys and their reading into {@link ScrapeSettings}, each bound checked once. */
final class ScrapeConfig {
    private static final Pattern LABEL_NAME = Pattern.compile("[a-zA-Z_][a-zA-Z0-9_]*");
    private static final Duration MIN_INTERVAL = Duration.ofSeconds(1);
    private static final Duration MAX_INTERVAL = Duration.ofHours(1);

    static final List<ConfigKey> KEYS;

    /** The keys of one element of {@code scrape.targets}, which a target file's elements have too. */
    private static final List<ConfigKey> TARGET_KEYS;

    static {
        KEYS = List.of(
                new ConfigKey(
                        "scrape.targets[].job",
                        "",
                        "an element of the list scrape.targets: the job name its samples get as the label job (required)"),
                new ConfigKey(
                        "scrape.targets[].urls",
                        "",
                        "the target's endpoints, a list of http:// or https:// URLs like http://127.0.0.1:9100/metrics; each is scraped on its own, its host:port the label instance"),
                new ConfigKey(
                        "scrape.targets[].interval", "", "how often this target is scraped; empty: scrape.interval"),
                new ConfigKey(
                        "scrape.targets[].timeout",
                        "",
                        "how long one scrape of it may take, at most its interval; empty: scrape.timeout (or the interval when shorter)"),
                new ConfigKey(
                        "scrape.targets[].labels.*",
                        "",
                        "labels every sample of the target gets (like labels: {site: lab}); names [a-zA-Z_][a-zA-Z0-9_]*, not edge nor starting __"),
                new ConfigKey(
                        "scrape.targets[].honor-labels",
                        "false",
                        "true: a label the target exposes wins over job, instance and the configured labels; false: it is kept as exported_<name>"),
                new ConfigKey(
                        "scrape.files",
                        "",
                        "files of more targets (a list of paths), each a YAML or JSON list of elements like those of scrape.targets; read again when they change, a target gone from one stops being scraped"),
                new ConfigKey(
                        "scrape.files-refresh",
                        Settings.text(ScrapeSettings.DEFAULT_FILES_REFRESH),
                        "how often the files of scrape.files are looked at for changes"),
                new ConfigKey(
                        "scrape.interval",
                        Settings.text(ScrapeSettings.DEFAULT_INTERVAL),
                        "how often a target is scraped unless it says otherwise (1s to 1h)"),
                new ConfigKey(
                        "scrape.timeout",
                        Settings.text(ScrapeSettings.DEFAULT_TIMEOUT),
                        "how long a scrape may take unless the target says otherwise"),
                new ConfigKey(
                        "scrape.max-body",
                        Settings.sizeText(ScrapeSettings.DEFAULT_MAX_BODY),
                        "largest answer a target may give (after gzip); a larger one fails that scrape"),
                new ConfigKey(
                        "scrape.sample-limit",
                        Integer.toString(ScrapeSettings.DEFAULT_SAMPLE_LIMIT),
                        "most samples one scrape may hold; a page with more fails that scrape (1 to 10000000)"));
        TARGET_KEYS = KEYS.stream()
                .filter(k -> k.name().startsWith("scrape.targets[]."))
                .toList();
    }

    private ScrapeConfig() {}

    static ScrapeSettings from(Settings s) {
        Duration interval = s.duration("scrape.interval", MIN_INTERVAL);
        if (interval.compareTo(MAX_INTERVAL) > 0) {
            throw s.invalid("scrape.interval", s.string("scrape.interval"), "at most 1h");
        }
        Duration timeout = s.duration("scrape.timeout", Duration.ofMillis(10));
        List<Path> files = s.list("scrape.files").stream().map(Path::of).toList();
        return new ScrapeSettings(
                targets(s, interval, timeout),
                files,
                s.duration("scrape.files-refresh", Duration.ofMillis(100)),
                (file, content) ->
                        targets(Settings.loadList(TARGET_KEYS, "scrape.targets", file, content), interval, timeout),
                s.bytes("scrape.max-body", 1024),
                s.intBetween("scrape.sample-limit", 1, 10_000_000));
    }

    /** The targets of the list {@code scrape.targets} in {@code s}: the main file's, or one target file's. */
    private static List<ScrapeTarget> targets(Settings s, Duration interval, Duration timeout) {
        List<ScrapeTarget> targets = new ArrayList<>();
        for (int i = 0; i < s.elements("scrape.targets"); i++) {
            targets.addAll(target(s, "scrape.targets." + i + ".", interval, timeout));
        }
        return targets;
    }

    private static List<ScrapeTarget> target(Settings s, String p, Duration defaultInterval, Duration defaultTimeout) {
        String job = s.string(p + "job");
        if (job.isEmpty()) {
            throw s.invalid(p + "job", job, "the target's job name (every element of scrape.targets needs one)");
        }
        List<URI> urls = s.httpUrls(p + "urls");
        if (urls.isEmpty()) {
            throw s.invalid(p + "urls", "", "at least one http:// or https:// URL to scrape");
        }
        Duration interval =
                s.string(p + "interval").isEmpty() ? defaultInterval : s.duration(p + "interval", MIN_INTERVAL);
        if (interval.compareTo(MAX_INTERVAL) > 0) {
            throw s.invalid(p + "interval", s.string(p + "interval"), "at most 1h");
        }
        Duration timeout = s.string(p + "timeout").isEmpty()
                ? min(defaultTimeout, interval)
                : s.duration(p + "timeout", Duration.ofMillis(10));
        if (timeout.compareTo(interval) > 0) {
            throw s.invalid(p + "timeout", s.string(p + "timeout"), "at most the target's interval (" + interval + ")");
        }
        Map<String, String> labels = s.mapping(p + "labels");
        labels.forEach((name, value) -> {
            if (!LABEL_NAME.matcher(name).matches() || name.startsWith("__") || name.equals("edge")) {
                throw s.invalid(
                        p + "labels." + name,
                        value,
                        "under a label name [a-zA-Z_][a-zA-Z0-9_]*, not edge"
                                + " (the CentralHub's own) nor starting __");
            }
        });
        boolean honor = s.bool(p + "honor-labels");
        return urls.stream()
                .map(url -> ScrapeTarget.of(job, url, interval, timeout, labels, honor))
                .toList();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
