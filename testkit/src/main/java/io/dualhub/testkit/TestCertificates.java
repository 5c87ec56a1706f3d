package io.dualhub.testkit;

import io.dualhub.common.tls.PemFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.net.ssl.SSLContext;

/**
 * A throwaway CA with a server certificate for 127.0.0.1/localhost and a client certificate, made with openssl in a
 * temp folder: {@code ca.pem}, {@code server.pem}/{@code server.key}, {@code client.pem}/{@code client.key} (keys
 * are unencrypted PKCS#8). Without openssl the files are absent and {@link #available()} is false.
 */
public final class TestCertificates {
    private final Path dir;

    private TestCertificates(Path dir) {
        this.dir = dir;
    }

    public static TestCertificates make() {
        try {
            Path dir = Files.createTempDirectory("dualhub-tls-");
            String ext = "subjectAltName=IP:127.0.0.1,DNS:localhost";
            openssl(
                    dir,
                    "req",
                    "-x509",
                    "-newkey",
                    "rsa:2048",
                    "-nodes",
                    "-keyout",
                    "ca.key",
                    "-out",
                    "ca.pem",
                    "-days",
                    "2",
                    "-subj",
                    "/CN=dualhub-test-ca");
            for (String who : List.of("server", "client")) {
                openssl(
                        dir,
                        "req",
                        "-newkey",
                        "rsa:2048",
                        "-nodes",
                        "-keyout",
                        who + ".key",
                        "-out",
                        who + ".csr",
                        "-subj",
                        "/CN=" + who);
                Files.writeString(
                        dir.resolve(who + ".ext"),
                        ext + "\nextendedKeyUsage=" + (who.equals("server") ? "serverAuth" : "clientAuth") + "\n");
                openssl(
                        dir,
                        "x509",
                        "-req",
                        "-in",
                        who + ".csr",
                        "-CA",
                        "ca.pem",
                        "-CAkey",
                        "ca.key",
                        "-CAcreateserial",
                        "-out",
                        who + ".pem",
                        "-days",
                        "2",
                        "-extfile",
                        who + ".ext");
            }
            return new TestCertificates(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether openssl made every file. */
    public boolean available() {
        return Files.exists(dir.resolve("client.pem"));
    }

    /** A TLS context that trusts the set's CA only: a client of its servers. */
    public SSLContext trustingCa() {
        return PemFiles.clientTrusting(file("ca.pem"), "the test CA");
    }

    /** A file of the set: ca.pem, server.pem, server.key, client.pem, client.key. */
    public Path file(String name) {
        return dir.resolve(name);
    }

    private static void openssl(Path dir, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        Process p;
        try {
            p = new ProcessBuilder(command)
                    .directory(dir.toFile())
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(
                            dir.resolve("openssl.log").toFile()))
                    .start();
        } catch (IOException e) {
            return; // no openssl: the certificates stay absent and available() says so
        }
        try {
            if (p.waitFor() != 0) {
                throw new IOException(String.join(" ", command) + " failed; see " + dir.resolve("openssl.log"));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
