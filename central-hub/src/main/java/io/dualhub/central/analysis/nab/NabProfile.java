package io.dualhub.central.analysis.nab;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/** A NAB application profile: the weights of an early true positive, a false positive and a missed window. */
public record NabProfile(String name, double tpWeight, double fpWeight, double fnWeight) {

    static List<NabProfile> parse(JsonNode profiles, Path file) {
        List<NabProfile> parsed = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = profiles.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            JsonNode costs = entry.getValue().path("CostMatrix");
            parsed.add(new NabProfile(
                    entry.getKey(),
                    weight(costs, "tpWeight", file, entry.getKey()),
                    weight(costs, "fpWeight", file, entry.getKey()),
                    weight(costs, "fnWeight", file, entry.getKey())));
        }
        if (parsed.isEmpty()) {
            throw new NabFormatException(file + " defines no profiles");
        }
        return parsed;
    }

    private static double weight(JsonNode costs, String field, Path file, String profile) {
        if (!costs.path(field).isNumber()) {
            throw new NabFormatException(file + ": " + profile + ".CostMatrix." + field + " must be a number");
        }
        return costs.get(field).asDouble();
    }
}
