package io.dualhub.common.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.function.UnaryOperator;

/**
 * A password or token, read from an environment variable ({@code env:NAME}) or a file ({@code file:/path}) and never
 * written inline in a config file. It prints as where it came from, never as its value, so no log line or config
 * dump can carry it; errors about it name the key and the source, never the value.
 */
public final class Secret {
    private final String value;
    private final String source;

    private Secret(String value, String source) {
        this.value = value;
        this.source = source;
    }

    /** Resolves {@code ref} for {@code key}; {@code env} looks up environment variables (System::getenv). */
    public static Secret resolve(String key, String ref, UnaryOperator<String> env) {
        if (ref.startsWith("env:")) {
            String name = ref.substring(4);
            String v = env.apply(name);
            if (v == null || v.isEmpty()) {
                throw new ConfigException(
                        "invalid configuration: " + key + " names environment variable " + name + ", which is not set");
            }
            return new Secret(v, ref);
        }
        if (ref.startsWith("file:")) {
            Path file = Path.of(ref.substring(5));
            try {
                String v = Files.readString(file).strip();
                if (v.isEmpty()) {
                    throw new ConfigException("invalid configuration: " + key + " names " + file + ", which is empty");
                }
                return new Secret(v, ref);
            } catch (IOException e) {
                throw new ConfigException("invalid configuration: " + key + " names " + file
                        + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
            }
        }
        throw new ConfigException("invalid configuration: " + key + " must be env:VARIABLE or file:/path/to/secret;"
                + " a secret is never written inline (the value given is not shown)");
    }

    public String value() {
        return value;
    }

    /** Whether {@code candidate} is this secret, compared in constant time (no timing hint of how much matched). */
    public boolean matches(String candidate) {
        return candidate != null
                && MessageDigest.isEqual(
                        value.getBytes(StandardCharsets.UTF_8), candidate.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The token an {@code Authorization} header presents: after {@code Bearer } or {@code Token } (the scheme
     * InfluxDB v2 clients such as Telegraf use); null when the header is absent or of another scheme.
     */
    public static String presented(String authorization) {
        if (authorization == null) {
            return null;
        }
        for (String scheme : new String[] {"Bearer ", "Token "}) {
            if (authorization.regionMatches(true, 0, scheme, 0, scheme.length())) {
                return authorization.substring(scheme.length()).trim();
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return source + " (hidden)";
    }
}
