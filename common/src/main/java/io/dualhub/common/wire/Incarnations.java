package io.dualhub.common.wire;

import java.util.UUID;
import java.util.regex.Pattern;

/** Incarnation ids: 12 lower-case hex characters for a new edge buffer; empty only for data from before them. */
public final class Incarnations {
    private static final Pattern VALID = Pattern.compile("[0-9a-f]{0,32}");

    private Incarnations() {}

    public static String newId() {
        return UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    }

    public static String require(String incarnation) {
        if (incarnation == null || !VALID.matcher(incarnation).matches()) {
            throw new IllegalArgumentException("invalid incarnation '" + incarnation + "': up to 32 hex characters");
        }
        return incarnation;
    }
}
