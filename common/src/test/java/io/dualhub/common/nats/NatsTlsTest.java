package io.dualhub.common.nats;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.dualhub.common.config.ConfigException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad TLS files stop start-up with one line naming the key and saying what would do (the good path is a drill). */
class NatsTlsTest {
    @TempDir
    Path dir;

    @Test
    void aCertificateNeedsItsKeyAndTheCa() {
        assertThatThrownBy(() -> NatsTls.context(dir, dir, null))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nats.tls.cert and nats.tls.key go together");
        assertThatThrownBy(() -> NatsTls.context(null, dir, dir)).hasMessageContaining("needs nats.tls.ca");
    }

    @Test
    void unreadableOrMalformedFilesAreNamed() throws Exception {
        assertThatThrownBy(() -> NatsTls.context(dir.resolve("missing.pem"), null, null))
                .hasMessageContaining("nats.tls.ca names")
                .hasMessageContaining("cannot be read");
        Path notPem = Files.writeString(dir.resolve("ca.pem"), "hello");
        assertThatThrownBy(() -> NatsTls.context(notPem, null, null)).hasMessageContaining("holds no PEM certificate");
    }
}
