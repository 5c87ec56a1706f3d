package io.dualhub.testkit;

import io.dualhub.common.Partition;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A nats-server configuration file holding only the subject mapping that splits the edges over CentralHub groups,
 * as docs/operations.md gives it; passed with {@code -c} beside a {@link NatsFixture}'s command-line flags.
 */
public final class SubjectMapping {
    private SubjectMapping() {}

    /** A new temporary file mapping both metrics routes to {@code groups} partitions. */
    public static Path partitions(int groups) {
        try {
            Path file = Files.createTempFile("partitions", ".conf");
            Files.writeString(file, Partition.serverMappingsConf(groups, ""));
            file.toFile().deleteOnExit();
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
