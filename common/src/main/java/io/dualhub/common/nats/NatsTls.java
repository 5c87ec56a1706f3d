package io.dualhub.common.nats;

import io.dualhub.common.config.ConfigException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * TLS to NATS from the same PEM files nats-server uses: the CA that signed the servers' certificates
 * ({@code nats.tls.ca}) and, for servers that verify clients, this hub's certificate and PKCS#8 key
 * ({@code nats.tls.cert}, {@code nats.tls.key}). Problems name the key and the file and say what would do.
 */
public final class NatsTls {
    private NatsTls() {
    }

    /**
     * An SSL context trusting the CA and, when given, presenting the client certificate; built once, at start-up,
     * so a bad file stops the hub there with one line naming the key.
     */
    public static SSLContext context(Path ca, Path cert, Path key) {
        if ((cert == null) != (key == null)) {
            throw new ConfigException("invalid configuration: nats.tls.cert and nats.tls.key go together: give both "
                    + "or neither");
        }
        if (ca == null) {
            throw new ConfigException("invalid configuration: nats.tls.cert needs nats.tls.ca (the CA that signed "
                    + "the servers' certificates)");
        }
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            List<Certificate> cas = certificates(ca, "nats.tls.ca");
            for (int i = 0; i < cas.size(); i++) {
                trust.setCertificateEntry("ca-" + i, cas.get(i));
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            KeyManagerFactory kmf = null;
            if (cert != null) {
                KeyStore identity = KeyStore.getInstance("PKCS12");
                identity.load(null, null);
                char[] none = new char[0];
                identity.setKeyEntry("client", privateKey(key), none,
                        certificates(cert, "nats.tls.cert").toArray(Certificate[]::new));
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

    private static List<Certificate> certificates(Path file, String configKey) {
        try {
            List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate");
            }
            return certs;
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + configKey + " names " + file
                    + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("invalid configuration: " + configKey + " names " + file
                    + ", which holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
    }

    private static PrivateKey privateKey(Path file) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: nats.tls.key names " + file
                    + ", which cannot be read (" + e.getClass().getSimpleName() + ")");
        }
        int begin = pem.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = pem.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new ConfigException("invalid configuration: nats.tls.key names " + file + ", which is not an "
                    + "unencrypted PKCS#8 key (-----BEGIN PRIVATE KEY-----); convert one with: openssl pkcs8 -topk8 "
                    + "-nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + 27, end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new ConfigException("invalid configuration: nats.tls.key names " + file
                + ", whose key is neither RSA, EC nor Ed25519");
    }
}
