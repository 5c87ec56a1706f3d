package io.dualhub.central.export;

import io.dualhub.common.config.Secret;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One remote-write receiver and what it needs besides its URL: extra headers (a tenant header for Mimir, say),
 * credentials (a bearer token, or basic auth, both read from {@code env:}/{@code file:} secrets) and the CA that
 * signed its certificate.
 *
 * @param url         the remote-write endpoint
 * @param headers     extra request headers, name to value
 * @param bearerToken sent as {@code Authorization: Bearer …}, or null
 * @param username    basic auth's user (with {@code password}), or null
 * @param password    basic auth's password, or null
 * @param tlsCa       PEM file of the CA to trust for an https URL instead of the JDK's, or null
 */
public record ExportTarget(
        URI url, Map<String, String> headers, Secret bearerToken, String username, Secret password, Path tlsCa) {
    public ExportTarget {
        headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
        if (bearerToken != null && username != null || (username == null) != (password == null)) {
            throw new IllegalArgumentException("BUG: a target has a bearer token or basic auth (user and password)");
        }
    }

    /** A receiver that needs nothing but its URL. */
    public static ExportTarget of(URI url) {
        return new ExportTarget(url, Map.of(), null, null, null, null);
    }

    /** The {@code Authorization} header's value, or null without credentials. */
    String authorization() {
        if (bearerToken != null) {
            return "Bearer " + bearerToken.value();
        }
        if (username != null) {
            return "Basic "
                    + Base64.getEncoder()
                            .encodeToString((username + ":" + password.value()).getBytes(StandardCharsets.UTF_8));
        }
        return null;
    }
}
