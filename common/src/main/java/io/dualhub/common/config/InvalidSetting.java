package io.dualhub.common.config;

import java.time.Duration;

/**
 * A value a configuration object refused, naming its key and what would be valid: thrown where the bound is checked
 * (once, in the object's constructor), turned by the loader into the one line start-up prints, with the value's
 * origin ({@link Settings#invalid}).
 */
public final class InvalidSetting extends IllegalArgumentException {
    private final String key;
    private final String valid;

    public InvalidSetting(String key, Object value, String valid) {
        super(key + "=" + value + ": must be " + valid);
        this.key = key;
        this.valid = valid;
    }

    /** Throws when {@code holds} is false: the one place a configuration object checks each of its bounds. */
    public static void require(boolean holds, String key, Object value, String valid) {
        if (!holds) {
            throw new InvalidSetting(key, value, valid);
        }
    }

    /** Throws unless the duration {@code value} is at least {@code min}, in the words the loader uses for one. */
    public static void requireAtLeast(Duration value, Duration min, String key) {
        require(Settings.atLeast(value, min), key, Settings.text(value), Settings.atLeastText(min));
    }

    public String key() {
        return key;
    }

    /** What would be valid, as "must be ..." ends. */
    public String valid() {
        return valid;
    }
}
