package io.dualhub.common.config;

import java.net.URI;

/** A URL as logs, meters and status pages show it: without user information or query, which may hold credentials. */
public final class ShownUrl {
    private ShownUrl() {}

    public static String of(URI url) {
        return url.getScheme() + "://" + url.getHost() + (url.getPort() < 0 ? "" : ":" + url.getPort())
                + (url.getRawPath() == null ? "" : url.getRawPath());
    }
}
