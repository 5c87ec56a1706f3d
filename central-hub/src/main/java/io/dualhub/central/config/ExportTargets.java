package io.dualhub.central.config;

import io.dualhub.central.export.ExportTarget;
import io.dualhub.common.config.ConfigException;
import io.dualhub.common.config.Secret;
import io.dualhub.common.config.Settings;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The export receivers a configuration names: each URL of {@code export.remote-write.urls}, then each element of the
 * list {@code export.remote-write.targets} with its headers, credentials and CA, every one checked here.
 */
final class ExportTargets {
    private static final String LIST = "export.remote-write.targets";
    private static final Pattern HEADER_NAME = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
    /** Headers the exporter writes itself. */
    private static final Set<String> OWN_HEADERS = Set.of(
            "authorization",
            "content-encoding",
            "content-type",
            "content-length",
            "user-agent",
            "x-prometheus-remote-write-version",
            "host");

    private ExportTargets() {}

    static List<ExportTarget> from(Settings s) {
        List<ExportTarget> targets = new ArrayList<>();
        s.httpUrls("export.remote-write.urls").forEach(url -> targets.add(ExportTarget.of(url)));
        for (int i = 0; i < s.elements(LIST); i++) {
            targets.add(target(s, LIST + "." + i + "."));
        }
        Set<URI> seen = new HashSet<>();
        for (ExportTarget t : targets) {
            if (!seen.add(t.url())) {
                throw new ConfigException("invalid configuration: the export receiver " + t.url()
                        + " is named twice (export.remote-write.urls and export.remote-write.targets): each URL once");
            }
        }
        return targets;
    }

    private static ExportTarget target(Settings s, String prefix) {
        List<URI> url = s.httpUrls(prefix + "url");
        if (url.size() != 1) {
            throw s.invalid(prefix + "url", s.string(prefix + "url"), "one http:// or https:// URL with a host");
        }
        Secret bearer = s.secret(prefix + "bearer-token");
        String username = s.string(prefix + "basic-auth.username");
        Secret password = s.secret(prefix + "basic-auth.password");
        if (bearer != null && (!username.isEmpty() || password != null)) {
            throw new ConfigException("invalid configuration: " + prefix + "bearer-token and " + prefix
                    + "basic-auth are both set: a receiver gets one of them");
        }
        if (username.isEmpty() != (password == null)) {
            throw new ConfigException("invalid configuration: " + prefix + "basic-auth needs both username and"
                    + " password (env:VARIABLE or file:/path)");
        }
        Path ca = s.path(prefix + "tls-ca");
        if (ca != null && (!"https".equals(url.get(0).getScheme()) || !Files.isReadable(ca))) {
            throw s.invalid(prefix + "tls-ca", ca.toString(), "a readable PEM file, for an https:// URL");
        }
        return new ExportTarget(
                url.get(0), headers(s, prefix + "headers"), bearer, username.isEmpty() ? null : username, password, ca);
    }

    private static Map<String, String> headers(Settings s, String key) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (String entry : s.list(key)) {
            int colon = entry.indexOf(':');
            String name = colon < 0 ? "" : entry.substring(0, colon).strip();
            String value = colon < 0 ? "" : entry.substring(colon + 1).strip();
            if (!HEADER_NAME.matcher(name).matches()
                    || value.isEmpty()
                    || OWN_HEADERS.contains(name.toLowerCase(Locale.ROOT))) {
                throw s.invalid(
                        key,
                        entry,
                        "a list of 'Name: value' with a token name, a value, and not one of the headers the exporter"
                                + " writes itself (" + String.join(", ", OWN_HEADERS) + ")");
            }
            headers.put(name, value);
        }
        return headers;
    }
}
