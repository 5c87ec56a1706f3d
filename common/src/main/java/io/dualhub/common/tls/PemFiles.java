package io.dualhub.common.tls;

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
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * Certificates and keys from the PEM files nats-server and most TLS tools use. Every problem names the setting
 * that gave the file ({@code what}) and says what would do, so a bad file stops start-up with one clear line.
 */
public final class PemFiles {
    private static final String BEGIN_KEY = "-----BEGIN PRIVATE KEY-----";
    private static final String END_KEY = "-----END PRIVATE KEY-----";

    private PemFiles() {}

    /** Every certificate in the file (a chain or a CA bundle); at least one. */
    public static List<Certificate> certificates(Path file, String what) {
        try {
            List<Certificate> certs = new ArrayList<>(CertificateFactory.getInstance("X.509")
                    .generateCertificates(new ByteArrayInputStream(Files.readAllBytes(file))));
            if (certs.isEmpty()) {
                throw new GeneralSecurityException("no certificate");
            }
            return certs;
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + what + " names " + file + ", which cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        } catch (GeneralSecurityException e) {
            throw new ConfigException("invalid configuration: " + what + " names " + file
                    + ", which holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
        }
    }

    /** An unencrypted PKCS#8 private key (RSA, EC or Ed25519). */
    public static PrivateKey privateKey(Path file, String what) {
        String pem;
        try {
            pem = Files.readString(file);
        } catch (IOException e) {
            throw new ConfigException("invalid configuration: " + what + " names " + file + ", which cannot be read ("
                    + e.getClass().getSimpleName() + ")");
        }
        int begin = pem.indexOf(BEGIN_KEY);
        int end = pem.indexOf(END_KEY);
        if (begin < 0 || end < begin) {
            throw new ConfigException("invalid configuration: " + what + " names " + file + ", which is not an "
                    + "unencrypted PKCS#8 key (" + BEGIN_KEY + "); convert one with: openssl pkcs8 -topk8 "
                    + "-nocrypt -in KEY -out KEY.pk8");
        }
        byte[] der = Base64.getMimeDecoder().decode(pem.substring(begin + BEGIN_KEY.length(), end));
        for (String algorithm : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
            } catch (GeneralSecurityException ignored) {
                // try the next algorithm
            }
        }
        throw new ConfigException(
                "invalid configuration: " + what + " names " + file + ", whose key is neither RSA, EC nor Ed25519");
    }

    /** Trust managers that accept exactly the certificates signed by the CA(s) in {@code ca}. */
    public static TrustManagerFactory trusting(Path ca, String what) throws GeneralSecurityException, IOException {
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        List<Certificate> cas = certificates(ca, what);
        for (int i = 0; i < cas.size(); i++) {
            trust.setCertificateEntry("ca-" + i, cas.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        return tmf;
    }

    /** A client TLS context that trusts the CA(s) in {@code ca} and presents no certificate. */
    public static SSLContext clientTrusting(Path ca, String what) {
        try {
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trusting(ca, what).getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException | IOException e) {
            throw new ConfigException("invalid configuration: cannot set up TLS from " + what + ": " + e.getMessage());
        }
    }
}
