package io.dualhub.common.nats;

import io.dualhub.common.config.ConfigException;
import io.dualhub.common.tls.PemFiles;
import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to NATS from the same PEM files nats-server uses: the CA that signed the servers' certificates
 * ({@code nats.tls.ca}) and, for servers that verify clients, this hub's certificate and PKCS#8 key
 * ({@code nats.tls.cert}, {@code nats.tls.key}). Problems name the key and the file and say what would do.
 */
public final class NatsTls {
    private NatsTls() {}

    /**
     * An SSL context trusting the CA and, when given, presenting the client certificate; built once, at start-up,
     * so a bad file stops the hub there with one line naming the key.
     */
    public static SSLContext context(Path ca, Path cert, Path key) {
        if ((cert == null) != (key == null)) {
            throw new ConfigException(
                    "invalid configuration: nats.tls.cert and nats.tls.key go together: give both " + "or neither");
        }
        if (ca == null) {
            throw new ConfigException("invalid configuration: nats.tls.cert needs nats.tls.ca (the CA that signed "
                    + "the servers' certificates)");
        }
        try {
            TrustManagerFactory tmf = PemFiles.trusting(ca, "nats.tls.ca");
            KeyManagerFactory kmf = null;
            if (cert != null) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                char[] none = new char[0];
                identity.setKeyEntry(
                        "client",
                        PemFiles.privateKey(key, "nats.tls.key"),
                        none,
                        PemFiles.certificates(cert, "nats.tls.cert").toArray(Certificate[]::new));
                kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                kmf.init(identity, none);
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(kmf == null ? null : kmf.getKeyManagers(), tmf.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("invalid configuration: cannot set up TLS from nats.tls.*: " + e.getMessage());
        }
    }
}
