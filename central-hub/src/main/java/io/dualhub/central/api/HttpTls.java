package io.dualhub.central.api;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.tls.PemFiles;
import java.nio.file.Path;
import java.util.Map;

/**
 * HTTPS on the CentralHub's own port from a PEM certificate chain and its unencrypted PKCS#8 key, or plain HTTP
 * when neither is set. Both files are read at start-up, so a bad one stops the hub with a line naming the key.
 */
public record HttpTls(Path cert, Path key) {
    public static final HttpTls OFF = new HttpTls(null, null);

    public HttpTls {
        if ((cert == null) != (key == null)) {
            throw new ConfigException(
                    "invalid configuration: http.tls.cert and http.tls.key go together: give both" + " or neither");
        }
        if (cert != null) {
            PemFiles.certificates(cert, "http.tls.cert");
            PemFiles.privateKey(key, "http.tls.key");
        }
    }

    public boolean enabled() {
        return cert != null;
    }

    /** The Micronaut settings that serve HTTPS only, on the configured port (not Micronaut's default 8443). */
    public Map<String, Object> serverProperties(int port) {
        if (!enabled()) {
            return Map.of();
        }
        return Map.of(
                "micronaut.server.ssl.enabled",
                true,
                "micronaut.server.ssl.port",
                port,
                "micronaut.server.ssl.key-store.certificate-path",
                "file:" + cert.toAbsolutePath(),
                "micronaut.server.ssl.key-store.key-path",
                "file:" + key.toAbsolutePath());
    }
}
