package io.dualhub.common.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The configuration reference (docs/configuration.md) as a Markdown table ({@code | `key` | `default` | description
 * |}): rendered
 * from a schema, and read back from it so a test can hold the two in step.
 */
public final class ConfigReference {
    private ConfigReference() {}

    public static String render(List<ConfigKey> schema) {
        StringBuilder sb = new StringBuilder("| key | default | what it does |\n|---|---|---|\n");
        for (ConfigKey k : schema) {
            sb.append("| `")
                    .append(k.name())
                    .append("` | `")
                    .append(k.defaultValue())
                    .append("` | ")
                    .append(k.description().replace("|", "\\|"))
                    .append(" |\n");
        }
        return sb.toString();
    }

    /** Key to default of the table under the Markdown heading that starts with {@code heading}. */
    public static Map<String, String> parse(String markdown, String heading) {
        Map<String, String> keys = new LinkedHashMap<>();
        boolean inSection = false;
        for (String line : markdown.split("\n")) {
            if (line.startsWith("#")) {
                inSection = line.replaceFirst("^#+\\s*", "").startsWith(heading);
                continue;
            }
            if (inSection && line.startsWith("| `")) {
                String[] cells = line.split("(?<!\\\\)\\|");
                keys.put(unquote(cells[1]), unquote(cells[2]));
            }
        }
        return keys;
    }

    /**
     * What differs between the table under {@code heading} and the schema: keys missing from either side and
     * defaults that disagree; empty when they are in step.
     */
    public static List<String> mismatches(String markdown, String heading, List<ConfigKey> schema) {
        Map<String, String> documented = parse(markdown, heading);
        List<String> problems = new ArrayList<>();
        for (ConfigKey k : schema) {
            String doc = documented.remove(k.name());
            if (doc == null) {
                problems.add("'" + k.name() + "' is read by the code but not in the reference");
            } else if (!doc.equals(k.defaultValue())) {
                problems.add("'" + k.name() + "' defaults to '" + k.defaultValue() + "' in the code, '" + doc
                        + "' in the reference");
            }
        }
        documented.keySet().forEach(k -> problems.add("'" + k + "' is in the reference but the code does not read it"));
        if (!problems.isEmpty()) {
            problems.add("the table as the code has it:\n" + render(schema));
        }
        return problems;
    }

    private static String unquote(String cell) {
        String c = cell.trim();
        return c.startsWith("`") && c.endsWith("`") && c.length() >= 2 ? c.substring(1, c.length() - 1) : c;
    }
}
