package io.dualhub.common.config;

import java.io.IOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.error.YAMLException;

/**
 * The raw values of one process's configuration, after layering defaults, the YAML file and command-line flags.
 * Only keys of the schema are accepted; typed getters fail with a message naming the key, the value and what is
 * valid. The hubs turn this into their immutable config records once, at start-up.
 */
public final class Settings {
    private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
    private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB|TiB)?");

    /** Element i of a YAML list of mappings has its keys under {@code list.i.}, named {@code list[].} by the schema. */
    private static final Pattern ELEMENT = Pattern.compile("\\.\\d+\\.");

    private final Map<String, String> values;
    private final Map<String, String> origins;
    private final Map<String, String> defaults;

    private Settings(Map<String, String> values, Map<String, String> origins, Map<String, String> defaults) {
        this.values = values;
        this.origins = origins;
        this.defaults = defaults;
    }

    /**
     * Layers, lowest first: each key's default, the YAML file (when given), then the overrides (command-line flags).
     */
    public static Settings load(List<ConfigKey> schema, Path yamlFile, Map<String, String> overrides) {
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        schema.forEach(k -> defaults.put(k.name(), k.defaultValue()));
        schema.stream().filter(k -> !k.name().contains("[]")).forEach(k -> values.put(k.name(), k.defaultValue()));
        if (yamlFile != null) {
            layer(schema, readYaml(yamlFile), yamlFile.toString(), values, origins);
        }
        layer(schema, overrides, "command line", values, origins);
        return new Settings(values, origins, defaults);
    }

    private static void layer(
            List<ConfigKey> schema,
            Map<String, String> layer,
            String origin,
            Map<String, String> values,
            Map<String, String> origins) {
        for (Map.Entry<String, String> e : layer.entrySet()) {
            requireKnown(schema, e.getKey(), origin);
            values.put(e.getKey(), e.getValue());
            origins.put(e.getKey(), origin);
        }
    }

    /** The schema's name of a key: {@code list.3.url} is {@code list[].url}. */
    static String schemaName(String key) {
        return ELEMENT.matcher(key).replaceAll("[].");
    }

    private static void requireKnown(List<ConfigKey> schema, String key, String where) {
        String name = schemaName(key);
        if (schema.stream().noneMatch(k -> k.name().equals(name) || inMapping(k.name(), name))) {
            List<String> names = schema.stream().map(ConfigKey::name).toList();
            throw new ConfigException("unknown configuration key '" + key + "' in " + where + "; valid keys: "
                    + String.join(", ", names));
        }
    }

    /**
     * Whether {@code name} is an entry of the mapping a schema key {@code mapping.*} declares: one more segment of
     * any name under it (labels, headers: names the user chooses).
     */
    private static boolean inMapping(String schemaKey, String name) {
        if (!schemaKey.endsWith(".*")) {
            return false;
        }
        String prefix = schemaKey.substring(0, schemaKey.length() - 1);
        return name.startsWith(prefix) && name.length() > prefix.length() && name.indexOf('.', prefix.length()) < 0;
    }

    /**
     * The {@code content} of a file holding one YAML (or JSON) list of mappings, read as the elements of
     * {@code listKey} (a list of targets kept apart from the main configuration): each value is checked by
     * {@code schema} as if it stood under {@code listKey} in the main file, and an error names {@code file} as the
     * value's origin. The caller reads the file once and hands over what it read, so what it judged (changed, empty)
     * is what is parsed.
     */
    public static Settings loadList(List<ConfigKey> schema, String listKey, Path file, String content) {
        Object root = parseYaml(file, content);
        if (root != null && !(root instanceof List<?>)) {
            throw new ConfigException(
                    "config file " + file + " must be a YAML or JSON list of mappings (" + listKey + "'s elements)");
        }
        Map<String, String> flat = new LinkedHashMap<>();
        if (root != null) {
            flatten("", Map.of(listKey, root), flat);
        }
        Map<String, String> values = new LinkedHashMap<>();
        Map<String, String> origins = new LinkedHashMap<>();
        Map<String, String> defaults = new LinkedHashMap<>();
        schema.forEach(k -> defaults.put(k.name(), k.defaultValue()));
        layer(schema, flat, file.toString(), values, origins);
        return new Settings(values, origins, defaults);
    }

    private static Object parseYaml(Path file) {
        try {
            return parseYaml(file, Files.readString(file));
        } catch (IOException e) {
            throw new ConfigException("cannot read config file " + file + ": " + e.getMessage());
        }
    }

    private static Object parseYaml(Path file, String content) {
        try {
            return new Yaml(new SafeConstructor(new LoaderOptions())).load(content);
        } catch (YAMLException e) {
            throw new ConfigException("config file " + file + " is not valid YAML: "
                    + e.getMessage().replace('\n', ' '));
        }
    }

    static Map<String, String> readYaml(Path file) {
        Object root = parseYaml(file);
        Map<String, String> flat = new LinkedHashMap<>();
        if (root == null) {
            return flat;
        }
        if (!(root instanceof Map<?, ?> map)) {
            throw new ConfigException("config file " + file + " must be a YAML mapping of keys to values");
        }
        flatten("", map, flat);
        return flat;
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> out) {
        for (Map.Entry<?, ?> e : map.entrySet()) {
            String key = prefix + e.getKey();
            Object v = e.getValue();
            if (v instanceof Map<?, ?> child) {
                flatten(key + ".", child, out);
            } else if (v instanceof List<?> list && list.stream().anyMatch(Map.class::isInstance)) {
                for (int i = 0; i < list.size(); i++) {
                    if (!(list.get(i) instanceof Map<?, ?> element)) {
                        throw new ConfigException("invalid configuration: " + key + " must be a list of mappings"
                                + " (element " + (i + 1) + " is '" + list.get(i) + "')");
                    }
                    flatten(key + "." + i + ".", element, out);
                }
            } else if (v instanceof List<?> list) {
                out.put(key, String.join(",", list.stream().map(String::valueOf).toList()));
            } else {
                out.put(key, v == null ? "" : String.valueOf(v));
            }
        }
    }

    public String string(String key) {
        String v = values.getOrDefault(key, defaults.get(schemaName(key)));
        if (v == null) {
            throw new IllegalStateException("no such configuration key: " + key);
        }
        return v.trim();
    }

    /** How many elements the list of mappings {@code listKey} has (its keys {@code listKey.<i>.…}); 0 without it. */
    public int elements(String listKey) {
        int n = 0;
        String prefix = listKey + ".";
        for (String key : values.keySet()) {
            if (key.startsWith(prefix)) {
                String rest = key.substring(prefix.length());
                int dot = rest.indexOf('.');
                if (dot > 0 && rest.substring(0, dot).chars().allMatch(Character::isDigit)) {
                    n = Math.max(n, Integer.parseInt(rest.substring(0, dot)) + 1);
                }
            }
        }
        return n;
    }

    /**
     * The entries of the mapping {@code key} (a schema key {@code key.*}, or its list element's), by name, in the
     * order given; empty without any.
     */
    public Map<String, String> mapping(String key) {
        Map<String, String> entries = new LinkedHashMap<>();
        String prefix = key + ".";
        values.forEach((k, v) -> {
            if (k.startsWith(prefix) && k.indexOf('.', prefix.length()) < 0) {
                entries.put(k.substring(prefix.length()), v.trim());
            }
        });
        return entries;
    }

    public List<String> list(String key) {
        return Arrays.stream(string(key).split(","))
                .map(String::trim)
                .filter(s -> !s.isEmpty())
                .toList();
    }

    /** A comma-separated list of absolute http:// or https:// URLs, each with a host; empty when the key is. */
    public List<URI> httpUrls(String key) {
        List<URI> urls = new ArrayList<>();
        for (String entry : list(key)) {
            try {
                URI url = new URI(entry);
                if (url.getHost() != null && ("http".equals(url.getScheme()) || "https".equals(url.getScheme()))) {
                    urls.add(url);
                    continue;
                }
            } catch (URISyntaxException e) {
                // reported below
            }
            throw invalid(key, entry, "a comma-separated list of http:// or https:// URLs with a host");
        }
        return List.copyOf(urls);
    }

    public boolean bool(String key) {
        String v = string(key);
        if (v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false")) {
            return Boolean.parseBoolean(v);
        }
        throw invalid(key, v, "true or false");
    }

    /** An integer, any; its bounds are checked by the object it configures. */
    public int integer(String key) {
        return intBetween(key, Integer.MIN_VALUE, Integer.MAX_VALUE, "an integer");
    }

    /** A number, any; its bounds are checked by the object it configures. */
    public double number(String key) {
        return doubleBetween(key, -Double.MAX_VALUE, Double.MAX_VALUE, "a number");
    }

    /**
     * Builds a configuration object whose constructor checks its own bounds: a value it refuses becomes the one line
     * start-up prints, naming the key, the value as written and where it came from.
     */
    public <T> T build(Supplier<T> construct) {
        try {
            return construct.get();
        } catch (InvalidSetting e) {
            throw invalid(e.key(), string(e.key()), e.valid());
        }
    }

    public int intBetween(String key, int min, int max) {
        return intBetween(key, min, max, "an integer from " + min + " to " + max);
    }

    private int intBetween(String key, int min, int max, String valid) {
        String v = string(key);
        try {
            int n = Integer.parseInt(v);
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, v, valid);
    }

    public double doubleBetween(String key, double min, double max) {
        return doubleBetween(key, min, max, "a number from " + min + " to " + max);
    }

    private double doubleBetween(String key, double min, double max, String valid) {
        String v = string(key);
        try {
            double d = Double.parseDouble(v);
            if (d >= min && d <= max) {
                return d;
            }
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw invalid(key, v, valid);
    }

    /** Durations are written {@code 500ms}, {@code 10s}, {@code 5m}, {@code 24h} or {@code 7d}. */
    public Duration duration(String key, Duration min) {
        String v = string(key);
        Duration d = parseDuration(v);
        if (d != null && d.compareTo(min) >= 0) {
            return d;
        }
        throw invalid(key, v, atLeastText(min));
    }

    /** Whether {@code d} is at least {@code min}: a duration bound, as the objects configured check it. */
    public static boolean atLeast(Duration d, Duration min) {
        return d.compareTo(min) >= 0;
    }

    /** What a duration bound asks for, in the words start-up prints. */
    public static String atLeastText(Duration min) {
        return "a duration of at least " + min.toMillis() + "ms written like 500ms, 10s, 5m, 24h or 7d";
    }

    /** A size as this class reads it, in its largest whole binary unit: {@code 512KiB}, {@code 1GiB}, {@code 1000}. */
    public static String sizeText(long bytes) {
        String[] units = {"TiB", "GiB", "MiB", "KiB"};
        for (int i = 0; i < units.length; i++) {
            int shift = (units.length - i) * 10;
            if (bytes != 0 && bytes % (1L << shift) == 0) {
                return (bytes >> shift) + units[i];
            }
        }
        return Long.toString(bytes);
    }

    /** A duration as this class reads it, in its largest whole unit: {@code 100ms}, {@code 5s}, {@code 24h}. */
    public static String text(Duration d) {
        long ms = d.toMillis();
        long[] units = {86_400_000, 3_600_000, 60_000, 1000};
        String[] names = {"d", "h", "m", "s"};
        for (int i = 0; i < units.length; i++) {
            if (ms != 0 && ms % units[i] == 0) {
                return ms / units[i] + names[i];
            }
        }
        return ms + "ms";
    }

    /**
     * A number written shortest, as a key's default shows it and as Prometheus writes a bound or quantile label:
     * {@code 2}, {@code 0.5}, {@code 2.5E-5}.
     */
    public static String text(double n) {
        return n == Math.rint(n) && Math.abs(n) < 1e15 ? Long.toString((long) n) : Double.toString(n);
    }

    /** A duration written {@code 500ms}, {@code 10s}, {@code 5m}, {@code 24h} or {@code 7d}; null for anything else. */
    public static Duration parseDuration(String text) {
        Matcher m = DURATION.matcher(text);
        if (!m.matches()) {
            return null;
        }
        long n = Long.parseLong(m.group(1));
        return switch (m.group(2)) {
            case "ms" -> Duration.ofMillis(n);
            case "s" -> Duration.ofSeconds(n);
            case "m" -> Duration.ofMinutes(n);
            case "h" -> Duration.ofHours(n);
            default -> Duration.ofDays(n);
        };
    }

    /** Sizes are written in bytes or with a binary unit: {@code 16MiB}, {@code 1GiB}. */
    public long bytes(String key, long min) {
        String v = string(key);
        Matcher m = SIZE.matcher(v);
        if (m.matches()) {
            long n = Long.parseLong(m.group(1));
            String unit = m.group(2) == null ? "B" : m.group(2);
            int shift = List.of("B", "KiB", "MiB", "GiB", "TiB").indexOf(unit) * 10;
            long size = n << shift;
            if (size >= min && (size >> shift) == n) {
                return size;
            }
        }
        throw invalid(key, v, "a size of at least " + min + " bytes written like 65536, 512KiB, 16MiB or 1GiB");
    }

    /** The file the key names, or null when it is empty. */
    public Path path(String key) {
        String value = string(key);
        return value.isEmpty() ? null : Path.of(value);
    }

    /** The secret the key refers to (env:NAME or file:/path), or null when the key is empty. */
    public Secret secret(String key) {
        String ref = string(key);
        return ref.isEmpty() ? null : Secret.resolve(key, ref, System::getenv);
    }

    public ConfigException invalid(String key, String value, String valid) {
        return new ConfigException("invalid configuration: " + key + "='" + value + "' (from "
                + origins.getOrDefault(key, "defaults") + "): must be " + valid);
    }
}
