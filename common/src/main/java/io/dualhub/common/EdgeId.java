package io.dualhub.common;

import java.util.regex.Pattern;

/** Validates edge identities: they become a NATS subject token, so never a dot, a wildcard or whitespace. */
public final class EdgeId {
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9_-]{1,64}");

    private EdgeId() {}

    public static boolean isValid(String id) {
        return id != null && VALID.matcher(id).matches();
    }

    /** Returns the id unchanged, or throws with a message that names it and says what is valid. */
    public static String require(String id) {
        if (!isValid(id)) {
            throw new IllegalArgumentException("invalid edge id '" + id
                    + "': must match [A-Za-z0-9_-]{1,64} (letters, digits, '_' and '-', 1 to 64 characters)");
        }
        return id;
    }

    /** Turns a host name into a valid edge id, for the default when none is configured. */
    public static String fromHostName(String host) {
        String cleaned = host == null ? "" : host.replaceAll("[^A-Za-z0-9_-]", "-");
        if (cleaned.isEmpty()) {
            return "edge";
        }
        return cleaned.length() > 64 ? cleaned.substring(0, 64) : cleaned;
    }
}
